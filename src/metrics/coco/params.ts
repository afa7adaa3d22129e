// pycocotools' default bbox parameters. The thresholds are built the way numpy's linspace builds
// them (start + i * step, the last one set to stop), because recall is compared with them exactly.

function linspace(start: number, stop: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const step = (stop - start) / (count - 1);
  for (let i = 0; i < count; i++) out[i] = i * step + start;
  out[count - 1] = stop;
  return out;
}

/** IoU thresholds .5:.05:.95 (T = 10). */
export const IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
/** Recall sampling points 0:.01:1 (R = 101). */
export const RECALL_THRESHOLDS = linspace(0, 1, 101);
/** Inclusive area ranges all, small, medium, large (A = 4). */
export const AREA_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1e10],
  [0, 32 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e10],
];
/** Detections kept per image (M = 3); the last is also the truncation used when matching. */
export const MAX_DETECTIONS = [1, 10, 100] as const;
export const MAX_DETECTIONS_PER_IMAGE = 100;

/** A threshold at 1 is lowered so that a perfect box can still match, as pycocotools does. */
export const IOU_CEILING = 1 - 1e-10;
/** numpy's `np.spacing(1)`, added to precision's denominator. */
export const SPACING_OF_ONE = Number.EPSILON;
