import type { DemoObject, DemoScene } from './build-demo-scene.js';
import type { Prng } from './prng.js';

// The shape of Label Studio's "JSON" export, key for key and in the same order as a real export
// (label-studio-sdk tests/custom/converter/data/test_export_yolo/data.json, Label Studio 1.7, Dec 2022).

/** The image-level class: one `choices` result. */
export interface LabelStudioChoicesResult {
  value: { choices: string[] };
  id: string;
  from_name: string;
  to_name: string;
  type: 'choices';
  origin: 'manual';
}

/** One box: coordinates in percent (0–100) of the original image, rotation in degrees. */
export interface LabelStudioRectangleResult {
  original_width: number;
  original_height: number;
  image_rotation: number;
  value: { x: number; y: number; width: number; height: number; rotation: number; rectanglelabels: string[] };
  id: string;
  from_name: string;
  to_name: string;
  type: 'rectanglelabels';
  origin: 'manual';
}

/** One region or classification inside an annotation. */
export type LabelStudioResult = LabelStudioChoicesResult | LabelStudioRectangleResult;

/** One person's labelling of a task. */
export interface LabelStudioAnnotation {
  id: number;
  completed_by: number;
  result: LabelStudioResult[];
  was_cancelled: boolean;
  ground_truth: boolean;
  created_at: string;
  updated_at: string;
  /** Seconds the annotator spent on the task. */
  lead_time: number;
  prediction: Record<string, never>;
  result_count: number;
  task: number;
  project: number;
  parent_prediction: number | null;
  parent_annotation: number | null;
}

/** One task of a Label Studio "JSON" export: the data to label and every annotation of it. */
export interface LabelStudioTask {
  id: number;
  annotations: LabelStudioAnnotation[];
  drafts: never[];
  predictions: never[];
  data: { image: string; taxonomy_version: string };
  /** Free-form task metadata; the demo records how the background was painted. */
  meta: Record<string, string>;
  created_at: string;
  updated_at: string;
  inner_id: number;
  total_annotations: number;
  cancelled_annotations: number;
  total_predictions: number;
  comment_count: number;
  unresolved_comment_count: number;
  last_comment_updated_at: string | null;
  project: number;
  updated_by: number;
  comment_authors: never[];
}

/** The control tag names the demo's label config declares. */
export const DEMO_CONTROLS = { image: 'image', classes: 'class', regions: 'region' } as const;

/** Length of Label Studio's region ids, e.g. "C7oHaRDVVC". */
const RESULT_ID_LENGTH = 10;

/** The results of one annotation of `scene`: its image class, then one box per object. */
export function buildSceneResults(scene: DemoScene, imageClass: string, prng: Prng): LabelStudioResult[] {
  const choice: LabelStudioChoicesResult = {
    value: { choices: [imageClass] },
    id: prng.token(RESULT_ID_LENGTH),
    from_name: DEMO_CONTROLS.classes,
    to_name: DEMO_CONTROLS.image,
    type: 'choices',
    origin: 'manual',
  };
  return [choice, ...scene.objects.map((object) => buildRectangleResult(object, scene.size, prng.token(RESULT_ID_LENGTH)))];
}

/** One object's box in Label Studio's percent coordinates, which map back to its exact pixel box. */
export function buildRectangleResult(object: DemoObject, imageSize: number, id: string): LabelStudioRectangleResult {
  const { box } = object;
  const x = toPercent(box.x, imageSize);
  const y = toPercent(box.y, imageSize);
  return {
    original_width: imageSize,
    original_height: imageSize,
    image_rotation: 0,
    value: {
      x,
      y,
      width: fitPercent(x, toPercent(box.width, imageSize)),
      height: fitPercent(y, toPercent(box.height, imageSize)),
      rotation: 0,
      rectanglelabels: [object.shape],
    },
    id,
    from_name: DEMO_CONTROLS.regions,
    to_name: DEMO_CONTROLS.image,
    type: 'rectanglelabels',
    origin: 'manual',
  };
}

function toPercent(pixels: number, imageSize: number): number {
  return (pixels * 100) / imageSize;
}

/** A box that reaches the image edge must not overshoot 100% through rounding. */
function fitPercent(start: number, extent: number): number {
  return start + extent > 100 ? 100 - start : extent;
}
