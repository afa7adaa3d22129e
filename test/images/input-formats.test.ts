import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { preprocessImage } from '../../src/images/preprocess.js';
import { extractImageFeatures } from '../../src/train/extract-image-features.js';

const SIZE = 32;
const spec = { width: SIZE, height: SIZE, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** A SIZE×SIZE grey picture: dark strokes on light, noisy paper. */
function greyPixels(): Buffer {
  const grey = Buffer.alloc(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) grey[y * SIZE + x] = (x > 8 && x < 12) || (y > 20 && y < 24) ? 30 : 200 + ((x * 7 + y * 13) % 40);
  }
  return grey;
}

/** `channels` interleaved: each pixel's value repeated, then `alpha` when there are 2 or 4 channels. */
function interleave(grey: Buffer, channels: 1 | 2 | 3 | 4, alpha = 255): Buffer {
  const out = Buffer.alloc(grey.length * channels);
  grey.forEach((value, p) => {
    const colour = channels >= 3 ? 3 : 1;
    for (let c = 0; c < colour; c++) out[p * channels + c] = value;
    if (channels === 2 || channels === 4) out[p * channels + colour] = alpha;
  });
  return out;
}

// sharp writes a 1- or 2-channel input as RGB unless told it is grey.
const png = (raw: Buffer, channels: 1 | 2 | 3 | 4): Promise<Buffer> => {
  const image = sharp(raw, { raw: { width: SIZE, height: SIZE, channels } });
  return (channels <= 2 ? image.toColourspace('b-w') : image).png().toBuffer();
};

async function features(bytes: Uint8Array) {
  return extractImageFeatures([bytes], { extractor: { seed: 3, inputSize: SIZE }, mean: spec.mean, std: spec.std });
}

describe('images of any PNG colour type', () => {
  it('decodes grey, grey+alpha, palette and RGBA into the tensor and the features of the RGB equivalent', async () => {
    const grey = greyPixels();
    const rgb = await png(interleave(grey, 3), 3);
    const variants = {
      grey: await png(grey, 1),
      'grey+alpha': await png(interleave(grey, 2), 2),
      rgba: await png(interleave(grey, 4), 4),
      // Few enough colours for the palette to hold them all exactly.
      palette: await sharp(interleave(grey, 3), { raw: { width: SIZE, height: SIZE, channels: 3 } }).png({ palette: true, colours: 256, dither: 0 }).toBuffer(),
    };
    expect((await sharp(variants.grey).metadata()).channels).toBe(1);
    expect((await sharp(variants['grey+alpha']).metadata()).channels).toBe(2);
    expect((await sharp(variants.palette).metadata()).isPalette).toBe(true);
    const expected = await preprocessImage(rgb, spec);
    const expectedFeatures = await features(rgb);
    for (const [name, bytes] of Object.entries(variants)) {
      const prepared = await preprocessImage(bytes, spec);
      expect(Array.from(prepared.tensor), name).toEqual(Array.from(expected.tensor));
      const got = await features(bytes);
      expect(Array.from(got.imageFeatures), name).toEqual(Array.from(expectedFeatures.imageFeatures));
      expect(Array.from(got.cellFeatures), name).toEqual(Array.from(expectedFeatures.cellFeatures));
    }
  });

  it('sees dark strokes on light paper whatever the paper tone: a darker page gives the same luminance features', async () => {
    const grey = greyPixels();
    const darker = Buffer.from(grey.map((value) => Math.round(value * 0.5)));
    const [light, dark] = [await features(await png(grey, 1)), await features(await png(darker, 1))];
    expect(light.imageFeatures.some((value) => value > 0)).toBe(true);
    // Standardised luminance: halving every pixel leaves it unchanged, but for rounding to whole levels.
    const difference = light.imageFeatures.reduce((max, value, i) => Math.max(max, Math.abs(value - dark.imageFeatures[i]!)), 0);
    const scale = light.imageFeatures.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    expect(difference / scale).toBeLessThan(0.05);
  });

  it('counts images smaller than the input: they are upscaled, never refused', async () => {
    const small = await sharp(greyPixels(), { raw: { width: SIZE, height: SIZE, channels: 1 } }).resize(12, 12).png().toBuffer();
    const result = await extractImageFeatures([small, await png(greyPixels(), 1)], { extractor: { seed: 3, inputSize: SIZE }, mean: spec.mean, std: spec.std });
    expect(result.upscaled).toBe(1);
  });
});
