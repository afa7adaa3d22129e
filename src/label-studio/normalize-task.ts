import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { pickAnnotation, type AnnotationCandidate, type SkipReason } from './pick-annotation.js';
import { parseRectangleResult, type ImageSize, type Region } from './rectangle-regions.js';
import { assertLabelName, isRecord, readId, readRecord, readStrings, show, taskError, type TaskWhere } from './task-fields.js';
import { parseTimestamp } from './timestamps.js';

/** Where a raw task came from, for error messages, and which data field holds its image. */
export interface NormalizeContext {
  /** The export file (or URL) the task was read from. */
  file: string;
  /** The task's position in the export, named in errors raised before its id is known. */
  index?: number;
  /** The `data` key of the image, the `$image` of `<Image value="$image"/>`; default `image`. */
  imageKey?: string;
}

/** One Label Studio task reduced to the ground truth a dataset item needs. */
export interface NormalizedTask {
  taskId: number;
  /** The task's `updated_at` (else its annotation's), as fixed-width UTC ISO 8601. */
  updatedAt: string;
  /** `data.taxonomy_version`, else `meta.taxonomy_version`, else null. */
  taxonomyVersion: string | null;
  /** The URL exactly as the task gives it; width and height from the boxes' original size, when any. */
  image: { url: string; width: number | null; height: number | null };
  /** Image-level classes, from `choices` results, first-seen order, without repeats. */
  classes: string[];
  /** Boxes, from `rectanglelabels` results, one region per label. */
  regions: Region[];
  annotation: DatasetItem['annotation'];
  /** The task's `meta`; values that are not scalars are kept as their JSON text. */
  meta: DatasetItem['meta'];
}

/** A task that yields no item, and why. */
export interface SkippedTask {
  taskId: number;
  skipped: SkipReason | 'empty-result';
}

/** Result types that carry image classes or boxes; every other type (polygons, keypoints, text…) is ignored. */
const CHOICES = 'choices';
const RECTANGLE_LABELS = 'rectanglelabels';

/**
 * Validates one raw task of a Label Studio export and reduces it to its ground truth: the one
 * annotation `pickAnnotation` chooses, its `choices` as image classes and its `rectanglelabels`
 * as regions. Predictions (objects or bare ids) and drafts are ignored. A task with no usable
 * annotation comes back as a `SkippedTask`.
 *
 * @throws InputError naming the file, the task and the rule broken.
 */
export function normalizeTask(raw: unknown, context: NormalizeContext): NormalizedTask | SkippedTask {
  const where: TaskWhere = { file: context.file, item: `#${context.index ?? 0}` };
  if (!isRecord(raw)) throw taskError(where, 'task-not-object', `a task must be an object, not ${show(raw)}`);
  const taskId = readId(raw.id, where, 'id');
  where.item = String(taskId);

  const chosen = pickAnnotation(raw, where);
  if ('skipped' in chosen) return { taskId, skipped: chosen.skipped };
  const { classes, regions, size } = readResults(chosen.raw.result, where);
  if (classes.length === 0 && regions.length === 0) return { taskId, skipped: 'empty-result' };

  const data = readRecord(raw.data, where, 'data');
  const meta = raw.meta === undefined || raw.meta === null ? {} : readRecord(raw.meta, where, 'meta');
  const annotation = readAnnotation(chosen, raw, taskId, where);
  return {
    taskId,
    updatedAt: raw.updated_at === undefined || raw.updated_at === null ? annotation.updated_at : parseTimestamp(raw.updated_at, where, 'updated_at'),
    taxonomyVersion: readTaxonomyVersion(data, meta, where),
    image: { url: readImageUrl(data, context.imageKey ?? 'image', where), width: size?.width ?? null, height: size?.height ?? null },
    classes,
    regions,
    annotation,
    meta: scalarMeta(meta),
  };
}

/** Whether `normalizeTask` skipped the task. */
export function isSkipped(task: NormalizedTask | SkippedTask): task is SkippedTask {
  return 'skipped' in task;
}

function readResults(value: unknown, where: TaskWhere): { classes: string[]; regions: Region[]; size: ImageSize | null } {
  if (!Array.isArray(value)) throw taskError(where, 'wrong-type', `the annotation's result must be a list, not ${show(value)}`, { field: 'result' });
  const classes = new Set<string>();
  const regions: Region[] = [];
  let size: ImageSize | null = null;
  value.forEach((result: unknown, index) => {
    const at = `result[${index}]`;
    if (!isRecord(result)) throw taskError(where, 'wrong-type', `${at} must be an object, not ${show(result)}`, { field: at });
    if (result.type === CHOICES) {
      const picked = readRecord(result.value, where, `${at} value`);
      for (const choice of readStrings(picked.choices, where, `${at} choices`)) classes.add(assertLabelName(choice, where, `${at} choice`));
    } else if (result.type === RECTANGLE_LABELS) {
      const parsed = parseRectangleResult(result, where);
      if (size && (size.width !== parsed.size.width || size.height !== parsed.size.height)) {
        throw taskError(where, 'inconsistent-image-size', `boxes give two image sizes, ${size.width}×${size.height} and ${parsed.size.width}×${parsed.size.height}`);
      }
      size = parsed.size;
      regions.push(...parsed.regions);
    } else if (typeof result.type !== 'string') {
      throw taskError(where, 'wrong-type', `${at} type must be a string, not ${show(result.type)}`, { field: `${at} type` });
    }
  });
  return { classes: [...classes], regions, size };
}

function readAnnotation(chosen: AnnotationCandidate, task: Record<string, unknown>, taskId: number, where: TaskWhere): DatasetItem['annotation'] {
  const updatedAt = chosen.updatedAt ?? chosen.createdAt ?? fallbackTimestamp(task, where);
  return {
    task_id: taskId,
    annotation_id: chosen.id,
    completed_by: readCompletedBy(chosen.raw.completed_by, where),
    ground_truth: chosen.groundTruth,
    updated_at: updatedAt,
  };
}

/** Old `completions` may carry no time of their own; the task's then stands in. */
function fallbackTimestamp(task: Record<string, unknown>, where: TaskWhere): string {
  const value = task.updated_at ?? task.created_at;
  if (value === undefined || value === null) throw taskError(where, 'missing-timestamp', 'neither the annotation nor the task says when it was made');
  return parseTimestamp(value, where, task.updated_at === undefined || task.updated_at === null ? 'created_at' : 'updated_at');
}

/** A user id, or (in older exports) the user object; exports from hosted instances may omit it. */
function readCompletedBy(value: unknown, where: TaskWhere): number | string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return readId(value, where, 'completed_by');
  if (typeof value === 'string' && value.length > 0) return value;
  if (isRecord(value)) return value.id === undefined || value.id === null ? null : readId(value.id, where, 'completed_by id');
  throw taskError(where, 'wrong-type', `completed_by must be a user id or a user object, not ${show(value)}`, { field: 'completed_by' });
}

function readTaxonomyVersion(data: Record<string, unknown>, meta: Record<string, unknown>, where: TaskWhere): string | null {
  const [field, value] = data.taxonomy_version !== undefined ? ['data.taxonomy_version', data.taxonomy_version] : ['meta.taxonomy_version', meta.taxonomy_version];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.length > 0) return value;
  throw taskError(where, 'wrong-type', `${field} must be a non-empty string, not ${show(value)}`, { field });
}

function readImageUrl(data: Record<string, unknown>, key: string, where: TaskWhere): string {
  const url = data[key];
  if (url === undefined || url === null) throw taskError(where, 'missing-image', `data.${key} is missing, so the task has no image`, { field: `data.${key}` });
  if (typeof url !== 'string' || url.length === 0) throw taskError(where, 'wrong-type', `data.${key} must be a non-empty URL string, not ${show(url)}`, { field: `data.${key}` });
  return url;
}

function scalarMeta(meta: Record<string, unknown>): DatasetItem['meta'] {
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(
    Object.entries(meta).map(([key, value]) => [
      key,
      value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value),
    ]),
  );
}
