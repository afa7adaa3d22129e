import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { InputError } from '../../src/errors.js';
import { openModel, predictItems } from '../../src/evaluate/index.js';
import { rejection } from '../helpers/rejection.js';
import { buildContractModel, solidPng } from './contract-model.js';
import { datasetItem, serveImages } from './evaluate-fixtures.js';

const bytes = buildContractModel();

describe('predictItems on an image that cannot be decoded', () => {
  it.each([
    ['empty (zero bytes)', (_png: Uint8Array) => new Uint8Array(0), 'image-empty', 'the image file is empty (0 bytes)'],
    ['text named .png', (_png: Uint8Array) => new TextEncoder().encode('Access Denied\n'), 'image-format', 'the image is not an image format cairn reads'],
    ['a truncated PNG', (png: Uint8Array) => png.subarray(0, Math.floor(png.length / 2)), 'image-truncated', 'the image is truncated or corrupt'],
  ])('fails the run with an InputError naming the item and its file when it is %s', async (_case, spoil, rule, sentence) => {
    const png = await solidPng([200, 30, 30], 64, 64);
    const items = [datasetItem({ id: 'fine' }), datasetItem({ id: 'bad' })];
    const model = await openModel(bytes, { expectedSha256: sha256Hex(bytes), file: 'model.onnx' });
    try {
      const error = await rejection(predictItems(model, items, serveImages(new Map([['fine', png], ['bad', spoil(png)]]))));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).data).toEqual({ item: 'bad', file: 'images/bad.png', rule });
      expect(error.message.startsWith(`item bad (images/bad.png): ${sentence}`)).toBe(true);
    } finally {
      await model.close();
    }
  });
});
