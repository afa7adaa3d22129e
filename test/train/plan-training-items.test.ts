import { describe, expect, it } from 'vitest';
import type { DatasetItem, WeakLabel } from '../../src/artifacts/schemas/dataset.js';
import { resolveTrainingLabels } from '../../src/dataset/training-labels.js';
import { planTrainingItems } from '../../src/train/plan-training-items.js';

function datasetItem(id: string, classes: string[], regions: DatasetItem['regions'] = []): DatasetItem {
  return {
    schema: 'DatasetItem/v1',
    id,
    split: 'train',
    image: { url: `/data/${id}.png`, sha256: null, width: 64, height: 64 },
    classes,
    regions,
    annotation: { task_id: 1, annotation_id: 1, completed_by: 1, ground_truth: false, updated_at: '2024-01-08T09:00:00.000000Z' },
    meta: {},
  };
}

describe('planTrainingItems', () => {
  it('joins each item with its resolved label, weak ones with their weight, and leaves unlabelled items without', () => {
    const items = [datasetItem('a', ['cat']), datasetItem('b', []), datasetItem('c', [])];
    const weak: WeakLabel[] = [{ schema: 'WeakLabel/v1', item_id: 'b', label: 'dog', source: 'vote', confidence: 1, weight: 0.4, observed_at: '2024-01-08T09:00:00.000000Z' }];
    const planned = planTrainingItems(items, resolveTrainingLabels(items, weak), (item) => async () => new TextEncoder().encode(item.image.url));
    expect(planned.map((item) => [item.id, item.label])).toEqual([
      ['a', { name: 'cat', weight: 1 }],
      ['b', { name: 'dog', weight: 0.4 }],
      ['c', null],
    ]);
  });

  it('trains on the envelope of a rotated region', () => {
    const upright = { label: 'eye', x: 0.1, y: 0.1, width: 0.2, height: 0.1, rotation: 0 };
    const rotated = { label: 'ear', x: 0.5, y: 0.5, width: 0.2, height: 0.1, rotation: 90, envelope: { x: 0.4, y: 0.5, width: 0.1, height: 0.2 } };
    const [planned] = planTrainingItems([datasetItem('a', ['cat'], [upright, rotated])], [], () => new Uint8Array());
    expect(planned!.regions).toEqual([
      { label: 'eye', x: 0.1, y: 0.1, width: 0.2, height: 0.1 },
      { label: 'ear', x: 0.4, y: 0.5, width: 0.1, height: 0.2 },
    ]);
  });
});
