import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { preprocessImage, toNormalisedChw } from '../../src/images/preprocess.js';

const spec = { width: 4, height: 4, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };

/** A width×height RGB image whose left half is red and right half blue. */
async function halves(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('preprocessImage', () => {
  it('resizes and normalises into CHW: red left, blue right', async () => {
    const { tensor, original } = await preprocessImage(await halves(8, 8), spec);
    expect(original).toEqual({ width: 8, height: 8, format: 'png' });
    const red = (x: number, y: number) => tensor[y * 4 + x]!;
    const blue = (x: number, y: number) => tensor[32 + y * 4 + x]!;
    expect([red(0, 0), red(3, 0), blue(0, 0), blue(3, 0)]).toEqual([2, -2, -2, 2]);
  });

  it('honours the EXIF orientation: a tag of 6 (rotate 90° clockwise) puts the red half on top', async () => {
    const jpeg = await sharp(await halves(8, 4)).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const { tensor, original } = await preprocessImage(jpeg, spec);
    expect(original).toMatchObject({ width: 4, height: 8, format: 'jpeg' });
    const red = (x: number, y: number) => tensor[y * 4 + x]!;
    expect(red(1, 0)).toBeGreaterThan(1.5);
    expect(red(1, 3)).toBeLessThan(-1.5);
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const error = await failure(preprocessImage(await halves(200, 200), spec, { maxPixels: 10_000, name: 'upload-7' }));
    expect(error.message).toBe('upload-7: 200×200 pixels exceeds the limit of 10000');
    expect(error.data.rule).toBe('image-pixel-limit');
  });

  it('refuses a truncated file and a format it does not read, naming the image', async () => {
    const jpeg = await sharp(await halves(64, 64)).jpeg().toBuffer();
    const truncated = await failure(preprocessImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)), spec, { name: 'cut.jpg' }));
    expect(truncated.data).toMatchObject({ file: 'cut.jpg', rule: 'image-truncated' });
    const text = await failure(preprocessImage(Buffer.from('this is not an image'), spec, { name: 'notes.txt' }));
    expect(text.data).toMatchObject({ file: 'notes.txt', rule: 'image-format' });
  });

  it('normalises HWC bytes channel by channel', () => {
    expect([...toNormalisedChw(Uint8Array.from([255, 0, 51]), 1, 1, 3, { mean: [0, 0, 0.2], std: [1, 0.5, 0.2] })]).toEqual([1, 0, 0]);
  });
});

describe('preprocessImage refuses an image it cannot decode with an InputError, never a crash', () => {
  // A real PNG, then what a failed download or upload leaves of it.
  let png: Buffer;
  beforeAll(async () => {
    png = await halves(32, 32);
  });

  it.each([
    ['an empty Buffer', () => Buffer.alloc(0), 'image-empty', 'the image file is empty (0 bytes)'],
    ['an empty Uint8Array', () => new Uint8Array(0), 'image-empty', 'the image file is empty (0 bytes)'],
    ['text saved as .png', () => Buffer.from('<html><body>404 Not Found</body></html>\n'), 'image-format', 'the image is not an image format cairn reads'],
    ['a PNG cut in half', () => png.subarray(0, png.length / 2), 'image-truncated', 'the image is truncated or corrupt'],
    ['a PNG cut inside its header', () => png.subarray(0, 20), 'image-truncated', 'the image is truncated or corrupt'],
  ])('refuses %s, naming the item and the file', async (_case, bytes, rule, sentence) => {
    const error = await failure(preprocessImage(bytes(), spec, { name: 'images/7.png', item: '1-7' }));
    expect(error.data).toEqual({ file: 'images/7.png', item: '1-7', rule });
    expect(error.message.startsWith(`item 1-7 (images/7.png): ${sentence}`)).toBe(true);
  });

  it('names only the file when no item is given', async () => {
    const error = await failure(preprocessImage(new Uint8Array(0), spec, { name: 'upload-9' }));
    expect(error.toJSON()).toEqual({ code: 'E_INPUT', message: 'upload-9: the image file is empty (0 bytes)', data: { file: 'upload-9', rule: 'image-empty' } });
  });
});
