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
  /** Names the image in errors (a file name, a URL, an upload id). */
  name?: string;
  /** The dataset item the image belongs to, named in errors beside `name`. */
  item?: string;
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
 * decoding. Errors are `InputError`s naming the image (and the item, when given) and the rule:
 * `image-empty`, `image-format`, `image-truncated`, `image-pixel-limit`.
 */
export async function preprocessImage(bytes: Uint8Array, spec: InputSpec, options: PreprocessOptions = {}): Promise<PreparedImage> {
  const image = { file: options.name ?? 'image', ...(options.item === undefined ? {} : { item: options.item }) };
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length === 0) throw imageError(image, 'image-empty', 'the image file is empty (0 bytes)');
  const metadata = await decoding(image, 'image-format', () => sharp(bytes).metadata());
  if (!metadata.width || !metadata.height) throw imageError(image, 'image-format', 'the image has no size');
  if (metadata.width * metadata.height > maxPixels) {
    throw imageError(image, 'image-pixel-limit', `${metadata.width}×${metadata.height} pixels exceeds the limit of ${maxPixels}`, { width: metadata.width, height: metadata.height });
  }
  const swapped = (metadata.orientation ?? 1) >= 5;
  // The header was read, so a failure from here on is in the data: truncated or corrupt.
  const { data, info } = await decoding(image, 'image-truncated', () =>
    sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .resize(spec.width, spec.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true }),
  );
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

interface ImageName {
  file: string;
  item?: string;
}

const TRUNCATED = /premature end|truncated|unexpected end|not enough data|corrupt|invalid.*(chunk|stream)/i;

type ImageRule = 'image-empty' | 'image-format' | 'image-truncated' | 'image-pixel-limit';

/** Runs a sharp call, turning what it throws (synchronously too, as for an empty buffer) into an `InputError`. */
async function decoding<T>(image: ImageName, rule: 'image-format' | 'image-truncated', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const found = /pixel limit/i.test(message) ? 'image-pixel-limit' : TRUNCATED.test(message) ? 'image-truncated' : rule;
    const what = { 'image-pixel-limit': 'exceeds the pixel limit', 'image-truncated': 'is truncated or corrupt', 'image-format': 'is not an image format cairn reads (JPEG, PNG, WebP, GIF, TIFF, AVIF)' }[found];
    throw imageError(image, found, `the image ${what} (${message.split('\n')[0]})`, {}, error);
  }
}

function imageError(image: ImageName, rule: ImageRule, sentence: string, data: Record<string, unknown> = {}, cause?: unknown): InputError {
  const who = image.item === undefined ? image.file : image.item === image.file ? `item ${image.item}` : `item ${image.item} (${image.file})`;
  return new InputError(`${who}: ${sentence}`, { ...image, rule, ...data }, cause === undefined ? undefined : { cause });
}
