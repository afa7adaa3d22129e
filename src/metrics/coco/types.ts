/** An image of a COCO ground truth file; only `id` takes part in box evaluation. */
export interface CocoImage {
  id: number;
  width?: number;
  height?: number;
}

/** A ground-truth box in pixels, `[x, y, width, height]` from the top-left corner. */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: readonly number[];
  /** The object's area as labelled (for a polygon, the polygon's area); `bbox` w × h when absent. */
  area?: number;
  /** A crowd region: its matches are ignored and it may absorb several detections. Absent means 0. */
  iscrowd?: number | boolean;
}

export interface CocoCategory {
  id: number;
  name: string;
}

/** A COCO ground truth file, as pycocotools' `COCO` reads it. */
export interface CocoGroundTruth {
  images: readonly CocoImage[];
  annotations: readonly CocoAnnotation[];
  categories: readonly CocoCategory[];
}

/** One detection of a COCO results file. */
export interface CocoDetection {
  image_id: number;
  category_id: number;
  bbox: readonly number[];
  score: number;
}

/** The 12 summary numbers of pycocotools' `COCOeval.summarize()`, in the order it prints them. */
export const COCO_STAT_NAMES = [
  'AP',
  'AP50',
  'AP75',
  'AP_small',
  'AP_medium',
  'AP_large',
  'AR1',
  'AR10',
  'AR100',
  'AR_small',
  'AR_medium',
  'AR_large',
] as const;

export type CocoStatName = (typeof COCO_STAT_NAMES)[number];
export type CocoStats = Record<CocoStatName, number>;

/** AP@[.5:.95] of one category (area all, 100 detections per image); -1 without ground truth. */
export interface CocoCategoryAP {
  categoryId: number;
  name: string;
  ap: number;
}

export interface CocoEvalResult {
  /** -1 where a figure is undefined (no ground truth in that area range), as pycocotools prints. */
  stats: CocoStats;
  /** One entry per category, in ascending category id. */
  perCategory: CocoCategoryAP[];
}
