import sharp from 'sharp';
import { InputError } from '../errors.js';

/** How a model wants its input: size and per-channel normalisation, from the model's metadata. */
export interface InputSpec {
  width: number;
  height: number;
  /** Per channel (RGB), applied as (pixel / 255 − mean) / std. */
  mean: readonly [number, number, number] | readonly number[];
  std: readonly [number, number, number] | readonly number[];
}

export interface PreprocessOptions {
  /** Refuse images with more pixels than this before decoding them (decompression bombs). */
  maxPixels?: number;
  /** Names the image in errors (a file name, an upload id). */
  name?: string;
}

export interface PreparedImage {
  /** CHW float32, normalised: what the model's `image` input takes for one image. */
  tensor: Float32Array;
  /** Size of the decoded image after EXIF orientation, before resizing. */
  original: { width: number; height: number; format: string };
}

/** 50 megapixels: larger than any camera upload cairn expects, far below what exhausts memory. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/**
 * Upload-time preprocessing, shared by evaluation and serving: decode with sharp, honour the EXIF
 * orientation, drop alpha, resize to the model's input size (stretching, as training did) and
 * normalise into a CHW float tensor. The header is checked against the pixel limit before any
 * decoding. Errors name the image and the rule: `image-format`, `image-truncated`,
 * `image-pixel-limit`.
 */
export async function preprocessImage(bytes: Uint8Array, spec: InputSpec, options: PreprocessOptions = {}): Promise<PreparedImage> {
  const name = options.name ?? 'image';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const metadata = await sharp(bytes).metadata().catch((error: unknown) => {
    throw imageError(name, error);
  });
  if (!metadata.width || !metadata.height) throw new InputError(`${name}: the image has no size`, { file: name, rule: 'image-format' });
  if (metadata.width * metadata.height > maxPixels) {
    throw new InputError(`${name}: ${metadata.width}×${metadata.height} pixels exceeds the limit of ${maxPixels}`, {
      file: name,
      rule: 'image-pixel-limit',
      width: metadata.width,
      height: metadata.height,
    });
  }
  const swapped = (metadata.orientation ?? 1) >= 5;
  const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .resize(spec.width, spec.height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw imageError(name, error);
    });
  return {
    tensor: toNormalisedChw(data, info.width, info.height, info.channels, spec),
    original: { width: swapped ? metadata.height : metadata.width, height: swapped ? metadata.width : metadata.height, format: metadata.format ?? 'unknown' },
  };
}

/** HWC bytes → CHW floats, (v / 255 − mean[c]) / std[c]. */
export function toNormalisedChw(data: Uint8Array, width: number, height: number, channels: number, spec: Pick<InputSpec, 'mean' | 'std'>): Float32Array {
  const plane = width * height;
  const tensor = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * spec.std[c]!);
    const shift = spec.mean[c]! / spec.std[c]!;
    const offset = c * plane;
    for (let i = 0; i < plane; i++) tensor[offset + i] = data[i * channels + c]! * scale - shift;
  }
  return tensor;
}

function imageError(name: string, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const rule = /pixel limit/i.test(message)
    ? 'image-pixel-limit'
    : /premature end|truncated|unexpected end|not enough data|corrupt|invalid.*(chunk|stream)/i.test(message)
      ? 'image-truncated'
      : 'image-format';
  const what = { 'image-pixel-limit': 'exceeds the pixel limit', 'image-truncated': 'is truncated or corrupt', 'image-format': 'is not an image format cairn reads (JPEG, PNG, WebP, GIF, TIFF, AVIF)' }[rule];
  return new InputError(`${name}: the image ${what} (${message.split('\n')[0]})`, { file: name, rule }, { cause: error });
}
