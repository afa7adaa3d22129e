import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { assertLabelName, readNumber, readRecord, readStrings, show, taskError, type TaskWhere } from './task-fields.js';

/** A box in a dataset item: 0–1 of the image, rotation in degrees about its top-left corner. */
export type Region = DatasetItem['regions'][number];

/** The pixel size of the image a result was drawn on (`original_width` × `original_height`). */
export interface ImageSize {
  width: number;
  height: number;
}

/** Label Studio's own float arithmetic can put x + width a hair over 100%. */
const EDGE_SLACK = 1e-6;

/**
 * The regions of one `rectanglelabels` result: one per label, coordinates converted from
 * percent (0–100) to 0–1. A rotated box keeps its rotation and gains its axis-aligned envelope.
 * A result whose label list is empty (the annotator cleared it) yields no region.
 */
export function parseRectangleResult(result: Record<string, unknown>, where: TaskWhere): { regions: Region[]; size: ImageSize } {
  const at = `result ${show(result.id)}`;
  const value = readRecord(result.value, where, `${at} value`);
  const size = readOriginalSize(result, where, at);
  const imageRotation = result.image_rotation ?? 0;
  if (imageRotation !== 0) {
    // Coordinates of a result drawn on a rotated view are in that view, not in the stored image.
    throw taskError(where, 'image-rotation', `${at} was drawn on an image rotated by ${show(imageRotation)}; only unrotated views are supported`);
  }
  const x = readPercent(value.x, where, `${at} x`);
  const y = readPercent(value.y, where, `${at} y`);
  const width = readPercent(value.width, where, `${at} width`);
  const height = readPercent(value.height, where, `${at} height`);
  const rotation = value.rotation === undefined || value.rotation === null ? 0 : readNumber(value.rotation, where, `${at} rotation`);
  const rotated = rotation % 360 !== 0;
  // A rotated box may reach past x + width = 100 and still lie in the image; its envelope is clipped instead.
  if (!rotated && (x + width > 100 + EDGE_SLACK || y + height > 100 + EDGE_SLACK)) {
    throw taskError(where, 'box-outside-image', `${at} reaches past the image edge (x + width = ${x + width}, y + height = ${y + height})`);
  }
  const labels = readStrings(value.rectanglelabels, where, `${at} rectanglelabels`).map((label) => assertLabelName(label, where, `${at} label`));
  const box = { x: x / 100, y: y / 100, width: fit(x / 100, width / 100, rotated), height: fit(y / 100, height / 100, rotated) };
  const envelope = rotated ? rotatedEnvelope(x, y, width, height, rotation, size) : undefined;
  const regions = labels.map((label): Region => (envelope ? { label, ...box, rotation, envelope } : { label, ...box, rotation }));
  return { regions, size };
}

function readPercent(value: unknown, where: TaskWhere, field: string): number {
  const number = readNumber(value, where, field);
  if (number < 0 || number > 100) throw taskError(where, 'coordinate-range', `${field} ${number} is outside 0–100 percent`, { field });
  return number;
}

function readOriginalSize(result: Record<string, unknown>, where: TaskWhere, at: string): ImageSize {
  const { original_width: width, original_height: height } = result;
  if (width === undefined || width === null || height === undefined || height === null) {
    throw taskError(where, 'missing-original-size', `${at} has no original_width/original_height, so its pixels are unknown`);
  }
  for (const [name, side] of [['original_width', width], ['original_height', height]] as const) {
    if (typeof side !== 'number' || !Number.isSafeInteger(side) || side < 1) {
      throw taskError(where, 'wrong-type', `${at} ${name} must be a positive integer, not ${show(side)}`, { field: name });
    }
  }
  return { width: width as number, height: height as number };
}

/** Within the slack, a box that overshoots the edge is cut back to end exactly on it. */
function fit(start: number, extent: number, rotated: boolean): number {
  return !rotated && start + extent > 1 ? 1 - start : extent;
}

/**
 * The axis-aligned envelope of a rotated box, computed in pixels (a rotation is only a rotation
 * in pixel space, not in percent of a non-square image), then clipped to the image and
 * normalised to 0–1. Label Studio rotates clockwise (y points down) about the top-left corner.
 */
export function rotatedEnvelope(x: number, y: number, width: number, height: number, rotation: number, size: ImageSize): NonNullable<Region['envelope']> {
  const px = (x / 100) * size.width;
  const py = (y / 100) * size.height;
  const pw = (width / 100) * size.width;
  const ph = (height / 100) * size.height;
  const radians = rotation * (Math.PI / 180);
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const xs = [px, px + pw * cos, px + pw * cos - ph * sin, px - ph * sin];
  const ys = [py, py + pw * sin, py + pw * sin + ph * cos, py + ph * cos];
  const left = clamp(Math.min(...xs), size.width);
  const right = clamp(Math.max(...xs), size.width);
  const top = clamp(Math.min(...ys), size.height);
  const bottom = clamp(Math.max(...ys), size.height);
  return { x: left / size.width, y: top / size.height, width: (right - left) / size.width, height: (bottom - top) / size.height };
}

function clamp(value: number, max: number): number {
  return Math.min(max, Math.max(0, value));
}
