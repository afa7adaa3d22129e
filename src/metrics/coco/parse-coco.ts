import { InputError } from '../../errors.js';
import type { CocoAnnotation, CocoCategory, CocoDetection, CocoGroundTruth, CocoImage } from './types.js';

/** Validates a COCO ground truth file (images, annotations with 4-number boxes, categories). */
export function parseCocoGroundTruth(value: unknown, file?: string): CocoGroundTruth {
  const root = record(value, 'ground truth', file);
  const images = list(root.images, 'images', file).map((item, i): CocoImage => {
    const image = record(item, `images[${i}]`, file);
    return { id: finite(image.id, `images[${i}].id`, file) };
  });
  const annotations = list(root.annotations, 'annotations', file).map((item, i): CocoAnnotation => {
    const where = `annotations[${i}]`;
    const annotation = record(item, where, file);
    const parsed: CocoAnnotation = {
      id: finite(annotation.id, `${where}.id`, file),
      image_id: finite(annotation.image_id, `${where}.image_id`, file),
      category_id: finite(annotation.category_id, `${where}.category_id`, file),
      bbox: box(annotation.bbox, `${where}.bbox`, file),
    };
    if (annotation.area !== undefined) parsed.area = finite(annotation.area, `${where}.area`, file);
    if (annotation.iscrowd !== undefined) {
      const crowd = annotation.iscrowd;
      if (typeof crowd !== 'boolean' && crowd !== 0 && crowd !== 1) fail(`${where}.iscrowd`, 'is 0, 1, true or false', file);
      parsed.iscrowd = crowd;
    }
    return parsed;
  });
  const categories = list(root.categories, 'categories', file).map((item, i): CocoCategory => {
    const category = record(item, `categories[${i}]`, file);
    const name = category.name;
    if (typeof name !== 'string') fail(`categories[${i}].name`, 'is a string', file);
    return { id: finite(category.id, `categories[${i}].id`, file), name };
  });
  return { images, annotations, categories };
}

/** Validates a COCO results list: `{image_id, category_id, bbox, score}` per detection. */
export function parseCocoDetections(value: unknown, file?: string): CocoDetection[] {
  return list(value, 'detections', file).map((item, i) => {
    const where = `detections[${i}]`;
    const detection = record(item, where, file);
    return {
      image_id: finite(detection.image_id, `${where}.image_id`, file),
      category_id: finite(detection.category_id, `${where}.category_id`, file),
      bbox: box(detection.bbox, `${where}.bbox`, file),
      score: finite(detection.score, `${where}.score`, file),
    };
  });
}

function record(value: unknown, item: string, file: string | undefined): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(item, 'is an object', file);
  return value as Record<string, unknown>;
}

function list(value: unknown, item: string, file: string | undefined): unknown[] {
  if (!Array.isArray(value)) fail(item, 'is an array', file);
  return value;
}

function finite(value: unknown, item: string, file: string | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(item, 'is a finite number', file);
  return value;
}

function box(value: unknown, item: string, file: string | undefined): number[] {
  const numbers = list(value, item, file);
  if (numbers.length !== 4) fail(item, 'is [x, y, width, height]', file);
  return numbers.map((n, i) => finite(n, `${item}[${i}]`, file));
}

function fail(item: string, rule: string, file: string | undefined): never {
  throw new InputError(`${file ? `${file}: ` : ''}${item} ${rule.replace(/^is /, 'must be ')}`, { ...(file ? { file } : {}), item, rule });
}
