import sharp from 'sharp';
import { sha256Hex } from '../artifacts/canonical-json.js';

export interface ImageFacts {
  sha256: string;
  width: number | null;
  height: number | null;
}

/** The content hash and (EXIF-oriented) size of an image; size is null for bytes sharp cannot read. */
export async function describeImage(bytes: Uint8Array): Promise<ImageFacts> {
  const sha256 = sha256Hex(bytes);
  try {
    const { width, height, orientation } = await sharp(bytes).metadata();
    const swapped = orientation !== undefined && orientation >= 5;
    return { sha256, width: (swapped ? height : width) ?? null, height: (swapped ? width : height) ?? null };
  } catch {
    return { sha256, width: null, height: null };
  }
}
