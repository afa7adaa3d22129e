import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { extractImageFeatures } from '../../src/train/extract-image-features.js';
import { rejection } from '../helpers/rejection.js';

const options = { extractor: { seed: 0, inputSize: 16 }, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
const png = () => sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toBuffer();

describe('extractImageFeatures on an image that cannot be decoded', () => {
  it('extracts the features of images that decode', async () => {
    const image = await png();
    const batch = await extractImageFeatures([image, async () => image], options);
    expect(batch.count).toBe(2);
    expect(batch.imageFeatures.length % 2).toBe(0);
    expect(batch.imageFeatures.slice(0, batch.imageFeatures.length / 2)).toEqual(batch.imageFeatures.slice(batch.imageFeatures.length / 2));
  });

  it.each([
    ['empty (zero bytes)', (_png: Buffer) => Buffer.alloc(0), 'image-empty', 'the image file is empty (0 bytes)'],
    ['text named .png', (_png: Buffer) => Buffer.from('not an image\n'), 'image-format', 'the image is not an image format cairn reads'],
    ['a truncated PNG', (image: Buffer) => image.subarray(0, Math.floor(image.length / 2)), 'image-truncated', 'the image is truncated or corrupt'],
  ])('rejects with an InputError naming the item and its file when it is %s', async (_case, spoil, rule, sentence) => {
    const image = await png();
    const images = [image, async () => spoil(image)];
    const named = { ...options, nameOf: (index: number) => `1-${index + 1}`, fileOf: (index: number) => `images/${index + 1}.png` };
    const error = await rejection(extractImageFeatures(images, named));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data).toEqual({ item: '1-2', file: 'images/2.png', rule });
    expect(error.message.startsWith(`item 1-2 (images/2.png): ${sentence}`)).toBe(true);
  });

  it('names the item alone when its file is not known, and the image by its index when nothing is', async () => {
    const error = await rejection(extractImageFeatures([new Uint8Array(0)], { ...options, nameOf: () => '1-1' }));
    expect((error as InputError).toJSON()).toEqual({ code: 'E_INPUT', message: 'item 1-1: the image file is empty (0 bytes)', data: { item: '1-1', file: '1-1', rule: 'image-empty' } });
    const unnamed = await rejection(extractImageFeatures([await png(), new Uint8Array(0)], options));
    expect((unnamed as InputError).toJSON()).toEqual({ code: 'E_INPUT', message: 'image 1: the image file is empty (0 bytes)', data: { file: 'image 1', rule: 'image-empty' } });
  });
});
