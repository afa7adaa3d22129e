import { VALIDATION_DEFAULTS } from '../artifacts/schemas/thresholds.js';
import { Faults } from './faults.js';
import type { CheckContext, DatasetCheck } from './validation-checks.js';

/** Images that could not be fetched at ingestion: a warning up to `max_missing_images`, a failure past it. */
export function checkImages({ thresholds }: CheckContext): DatasetCheck {
  const allowed = thresholds.max_missing_images ?? VALIDATION_DEFAULTS.max_missing_images;
  const missing = new Faults();
  return {
    add(item) {
      if (item.image.sha256 === null) missing.add(`${item.id}: ${item.image.url}`);
    },
    finish() {
      if (missing.count === 0) return { name: 'images', status: 'pass', message: 'every image was fetched and hashed' };
      const what = `${missing.count} image(s) could not be fetched at ingestion`;
      return missing.count > allowed
        ? { name: 'images', status: 'fail', message: `${what}, more than max_missing_images ${allowed}; ingest again with the images reachable`, details: missing.shown }
        : { name: 'images', status: 'warn', message: `${what} (max_missing_images ${allowed}); they are kept and skipped by training`, details: missing.shown };
    },
  };
}

/**
 * Fetched images that training could not decode, from the header read at ingestion: unreadable,
 * cut off, in a format cairn does not train on, or with more pixels than `max_image_pixels`.
 * Items ingested before headers were read (DatasetItem/v1) carry no header to judge.
 */
export function checkImageHeaders({ thresholds }: CheckContext): DatasetCheck {
  const maxPixels = thresholds.max_image_pixels ?? VALIDATION_DEFAULTS.max_image_pixels;
  const faults = new Faults();
  let judged = 0;
  return {
    add(item) {
      const { image } = item;
      if (!('format' in image) || image.sha256 === null) return;
      judged++;
      if (image.defect) faults.add(`${item.id}: ${image.url}: ${image.defect.rule}: ${image.defect.message}`);
      else if (image.width !== null && image.height !== null && image.width * image.height > maxPixels) {
        faults.add(`${item.id}: ${image.url}: image-pixel-limit: ${image.width}×${image.height} is more than max_image_pixels ${maxPixels}`);
      }
    },
    finish: () =>
      faults.count === 0
        ? { name: 'image-headers', status: 'pass', message: `${judged} image header(s) read at ingestion: every one decodable and within ${maxPixels} pixels` }
        : { name: 'image-headers', status: 'fail', message: `${faults.count} image(s) that training cannot decode`, details: faults.shown },
  };
}
