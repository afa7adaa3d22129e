import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
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
