import { describe, expect, it } from 'vitest';
import type { DatasetItem, WeakLabel } from '../../src/artifacts/schemas/dataset.js';
import { resolveTrainingLabels } from '../../src/dataset/training-labels.js';

const item = (id: string, classes: string[]): DatasetItem => ({
  schema: 'DatasetItem/v1',
  id,
  split: 'train',
  image: { url: `${id}.png`, sha256: null, width: null, height: null },
  classes,
  regions: [],
  annotation: { task_id: 1, annotation_id: 1, completed_by: 1, ground_truth: false, updated_at: '2026-11-01T00:00:00.000Z' },
  meta: {},
});
const weak = (item_id: string, label: string, weight: number): WeakLabel => ({
  schema: 'WeakLabel/v1',
  item_id,
  label,
  source: 'vote',
  confidence: 1,
  weight,
  observed_at: '2026-11-01T00:00:00.000Z',
});

describe('resolveTrainingLabels: human > weak > model', () => {
  it('keeps the human label over any weak or model label', () => {
    const labels = resolveTrainingLabels([item('a', ['circle'])], [weak('a', 'square', 0.9)], [{ item_id: 'a', label: 'ring', confidence: 1 }]);
    expect(labels).toEqual([{ itemId: 'a', label: 'circle', source: 'human', weight: 1 }]);
  });

  it('uses the heaviest agreeing weak labels when there is no human label, at their weight', () => {
    const labels = resolveTrainingLabels([item('b', [])], [weak('b', 'square', 0.3), weak('b', 'circle', 0.25), weak('b', 'circle', 0.2)]);
    expect(labels).toEqual([{ itemId: 'b', label: 'circle', source: 'weak', weight: 0.45 }]);
  });

  it('falls back to the model, down-weighted, and leaves unlabelled items out', () => {
    const labels = resolveTrainingLabels([item('c', []), item('d', [])], [], [{ item_id: 'c', label: 'ring', confidence: 0.8 }], 0.1);
    expect(labels).toEqual([{ itemId: 'c', label: 'ring', source: 'model', weight: 0.08000000000000002 }]);
  });
});
