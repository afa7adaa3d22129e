import { formatJsonLine } from '../artifacts/canonical-json.js';
import type { DatasetItem } from '../artifacts/schemas/dataset.js';

type Region = DatasetItem['regions'][number];

/** A key JSON.stringify would list before the others (an array index), whatever the insertion order. */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The canonical JSONL line of a dataset item, byte for byte what `formatJsonLine` writes, at a
 * fraction of its cost (ingestion writes one per task). The item is rebuilt with its keys in
 * canonical order and handed to the native `JSON.stringify`, which escapes strings and writes
 * numbers (shortest round trip, `-0` as `0`) exactly as canonical JSON does.
 *
 * Only for an item that passed the `DatasetItem` schema: no other members, no non-finite numbers.
 */
export function formatItemLine(item: DatasetItem): string {
  const meta = sortedMeta(item.meta);
  if (meta === null) return formatJsonLine(item);
  const { annotation, image } = item;
  const line = JSON.stringify({
    annotation: {
      annotation_id: annotation.annotation_id,
      completed_by: annotation.completed_by,
      ground_truth: annotation.ground_truth,
      task_id: annotation.task_id,
      updated_at: annotation.updated_at,
    },
    classes: item.classes,
    id: item.id,
    image: sortedImage(image),
    meta,
    regions: item.regions.map(sortedRegion),
    schema: item.schema,
    split: item.split,
  });
  // V8 returns a long JSON.stringify result as a rope of the pieces it wrote; reading it as a
  // number (which stops at "{") flattens it in place, so a kept line costs its characters only.
  Number(line);
  return line;
}

function sortedImage(image: DatasetItem['image']): object {
  if (!('format' in image)) return { height: image.height, sha256: image.sha256, url: image.url, width: image.width };
  const { defect } = image;
  return {
    defect: defect === null ? null : { message: defect.message, rule: defect.rule },
    format: image.format,
    height: image.height,
    sha256: image.sha256,
    url: image.url,
    width: image.width,
  };
}

function sortedRegion(region: Region): object {
  const { envelope } = region;
  return envelope === undefined
    ? { height: region.height, label: region.label, rotation: region.rotation, width: region.width, x: region.x, y: region.y }
    : {
        envelope: { height: envelope.height, width: envelope.width, x: envelope.x, y: envelope.y },
        height: region.height,
        label: region.label,
        rotation: region.rotation,
        width: region.width,
        x: region.x,
        y: region.y,
      };
}

/** `meta` with its keys inserted in sorted order; null when a key is an array index (sent the slow way). */
function sortedMeta(meta: DatasetItem['meta']): object | null {
  const keys = Object.keys(meta);
  if (keys.length === 0) return meta;
  keys.sort();
  // A prototype-less object keeps a "__proto__" key as data.
  const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    if (ARRAY_INDEX.test(key)) return null;
    sorted[key] = meta[key];
  }
  return sorted;
}
