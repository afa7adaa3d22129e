import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { InputError, NotFoundError } from '../../src/errors.js';
import { openModel, predictItems, type OpenedModel } from '../../src/evaluate/index.js';
import { buildContractModel, solidPng } from './contract-model.js';
import { datasetItem, serveImages } from './evaluate-fixtures.js';
import { rejection } from '../helpers/rejection.js';

const bytes = buildContractModel();
const open = (): Promise<OpenedModel> => openModel(bytes, { expectedSha256: sha256Hex(bytes), file: 'model.onnx' });
const colours: Array<readonly [number, number, number]> = [
  [250, 10, 10],
  [10, 250, 10],
  [10, 10, 250],
  [200, 40, 40],
  [40, 40, 200],
];

describe('predictItems', () => {
  it('predicts every item through the upload-time path, in item order whatever the batch size', async () => {
    const items = colours.map((_, i) => datasetItem({ id: `item-${i}` }));
    const images = new Map(await Promise.all(colours.map(async (colour, i) => [`item-${i}`, await solidPng(colour, 30 + i, 20)] as const)));
    const model = await open();
    try {
      const progress: Array<[number, number]> = [];
      const byTwo = await predictItems(model, items, serveImages(images), { batchSize: 2, onProgress: (done, total) => progress.push([done, total]) });
      const whole = await predictItems(model, items, serveImages(images), { batchSize: 32 });
      expect(byTwo).toEqual(whole);
      expect(progress).toEqual([
        [2, 5],
        [4, 5],
        [5, 5],
      ]);
      expect(byTwo.map((p) => p.itemId)).toEqual(items.map((item) => item.id));
      expect(byTwo.map((p) => p.original)).toEqual(colours.map((_, i) => ({ width: 30 + i, height: 20 })));
      // The contract model's class is the brightest channel.
      expect(byTwo.map((p) => Array.from(p.classScores).indexOf(Math.max(...p.classScores)))).toEqual([0, 1, 2, 0, 2]);
      expect(byTwo[0]!.boxes.map((box) => box.label)).toEqual(['bar', 'dot']);
    } finally {
      await model.close();
    }
  });

  it('names the item and its URL when its image is truncated', async () => {
    const png = await solidPng([200, 30, 30], 64, 64);
    const items = [datasetItem({ id: 'fine' }), datasetItem({ id: 'cut-short' })];
    const images = new Map([
      ['fine', png],
      ['cut-short', png.subarray(0, Math.floor(png.length / 2))],
    ]);
    const model = await open();
    try {
      const error = await rejection(predictItems(model, items, serveImages(images)));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).data).toMatchObject({ item: 'cut-short', file: 'images/cut-short.png' });
      expect(['image-truncated', 'image-format']).toContain((error as InputError).data.rule);
      expect(error.message).toMatch(/^item cut-short \(images\/cut-short\.png\): the image /);
    } finally {
      await model.close();
    }
  });

  it('names the item when the bytes are not an image at all', async () => {
    const model = await open();
    try {
      const items = [datasetItem({ id: 'text' })];
      const error = await rejection(predictItems(model, items, serveImages(new Map([['text', new TextEncoder().encode('hello')]]))));
      expect((error as InputError).data).toMatchObject({ item: 'text', rule: 'image-format' });
    } finally {
      await model.close();
    }
  });

  it('names the item when its image cannot be read, and keeps cairn errors as they are', async () => {
    const model = await open();
    try {
      const items = [datasetItem({ id: 'lost' })];
      const error = await rejection(predictItems(model, items, serveImages(new Map())));
      expect((error as InputError).data).toEqual({ item: 'lost', file: 'images/lost.png', rule: 'image-read' });
      const notFound = new NotFoundError('gone', { item: 'lost' });
      expect(await rejection(predictItems(model, items, () => Promise.reject(notFound)))).toBe(notFound);
    } finally {
      await model.close();
    }
  });

  it('returns nothing for no items and refuses a bad batch size', async () => {
    const model = await open();
    try {
      expect(await predictItems(model, [], serveImages(new Map()))).toEqual([]);
      await expect(predictItems(model, [], serveImages(new Map()), { batchSize: 0 })).rejects.toThrow(/batchSize/);
    } finally {
      await model.close();
    }
  });
});
