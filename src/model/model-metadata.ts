/**
 * The metadata a cairn model carries in its ONNX `metadata_props`: what the serving side needs to feed
 * it and read its outputs. External trainers write the same keys. Values are strings; lists are JSON.
 */

/** The version of this metadata layout and of the model's inputs and outputs. */
export const MODEL_FORMAT_VERSION = 1;

/** The keys of `metadata_props`, in the order cairn writes them; the last two are optional. */
export const METADATA_KEYS = {
  formatVersion: 'cairn.format_version',
  inputWidth: 'cairn.input_width',
  inputHeight: 'cairn.input_height',
  mean: 'cairn.mean',
  std: 'cairn.std',
  classes: 'cairn.classes',
  regionClasses: 'cairn.region_classes',
  grid: 'cairn.grid',
  maxBoxes: 'cairn.max_boxes',
  extractor: 'cairn.extractor',
} as const;

/** What a cairn model declares about itself. */
export interface ModelMetadata {
  formatVersion: number;
  /** Input width and height in pixels; the image is resized to exactly this. */
  inputWidth: number;
  inputHeight: number;
  /** Per-channel (R, G, B) normalisation: input = (pixel/255 − mean) / std. */
  mean: readonly number[];
  std: readonly number[];
  /** Image class names, in the order of `class_scores`. */
  classes: readonly string[];
  /** Region class names, indexed by `box_labels`. */
  regionClasses: readonly string[];
  /** Grid side G of the region head. */
  grid: number;
  /** K: rows of `boxes`, `box_scores` and `box_labels` per image. Optional: the output shape says it too. */
  maxBoxes?: number;
  /** How the features were made, for lineage (`{ kind, seed }` for the built-in extractor). Optional, free-form. */
  extractor?: Readonly<Record<string, unknown>>;
}

/** The `metadata_props` entries for `metadata`, in a fixed order so the model bytes are reproducible. */
export function buildMetadataEntries(metadata: ModelMetadata): Array<[string, string]> {
  const json = (value: unknown): string => JSON.stringify(value);
  const entries: Array<[string, string]> = [
    [METADATA_KEYS.formatVersion, String(metadata.formatVersion)],
    [METADATA_KEYS.inputWidth, String(metadata.inputWidth)],
    [METADATA_KEYS.inputHeight, String(metadata.inputHeight)],
    [METADATA_KEYS.mean, json(metadata.mean)],
    [METADATA_KEYS.std, json(metadata.std)],
    [METADATA_KEYS.classes, json(metadata.classes)],
    [METADATA_KEYS.regionClasses, json(metadata.regionClasses)],
    [METADATA_KEYS.grid, String(metadata.grid)],
  ];
  if (metadata.maxBoxes !== undefined) entries.push([METADATA_KEYS.maxBoxes, String(metadata.maxBoxes)]);
  if (metadata.extractor !== undefined) entries.push([METADATA_KEYS.extractor, json(sortKeys(metadata.extractor))]);
  return entries;
}

function sortKeys(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
