import sharp, { type Metadata } from 'sharp';
import { sha256Hex } from '../artifacts/canonical-json.js';
import type { ImageDefect } from '../artifacts/schemas/dataset.js';
import { findTruncation } from './find-truncation.js';

export interface ImageFacts {
  sha256: string;
  /** The format the header names, or null when no header could be read. */
  format: string | null;
  width: number | null;
  height: number | null;
  /** Why the image cannot be decoded, or null when it can (as far as its header and end show). */
  defect: ImageDefect | null;
}

/** Formats training and serving decode (what `preprocessImage` accepts); sharp names AVIF `heif`. */
const TRAINABLE = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);

/**
 * The content hash of an image and what its header says: format and (EXIF-oriented) size, read
 * without decoding the pixels, and whether the data is complete (`findTruncation`). The size is
 * read whatever it is, so that validation can name an image too large to decode.
 */
export async function describeImage(bytes: Uint8Array): Promise<ImageFacts> {
  const sha256 = sha256Hex(bytes);
  if (bytes.length === 0) return unreadable(sha256, 'the file is empty');
  let metadata: Metadata;
  try {
    // No pixel limit: the header alone is read, and validation judges the size against its threshold.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    return unreadable(sha256, `no image header sharp can read: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
  const { format, width, height, orientation } = metadata;
  if (!width || !height) return unreadable(sha256, `the ${format} header gives no size`);
  const swapped = orientation !== undefined && orientation >= 5;
  const facts = { sha256, format, width: swapped ? height : width, height: swapped ? width : height };
  if (!TRAINABLE.has(format)) return { ...facts, defect: { rule: 'image-format', message: `${format} is not a format cairn trains on (JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF)` } };
  const cut = findTruncation(bytes, format);
  return { ...facts, defect: cut ? { rule: 'image-truncated', message: cut } : null };
}

function unreadable(sha256: string, message: string): ImageFacts {
  return { sha256, format: null, width: null, height: null, defect: { rule: 'image-unreadable', message } };
}
