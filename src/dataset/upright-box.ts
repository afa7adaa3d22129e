import type { DatasetItem } from '../artifacts/schemas/dataset.js';

/** A region's extent as an axis-aligned box, in 0–1 of the image. */
export interface UprightBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The axis-aligned box of a region: the region itself when upright, its recorded envelope when
 * rotated (the region itself when ingestion recorded none). Validation checks it, training learns it
 * and evaluation measures against it. Returns the object it reads, not a copy: it runs per region.
 */
export function uprightBox(region: DatasetItem['regions'][number]): UprightBox {
  return region.rotation === 0 ? region : (region.envelope ?? region);
}
