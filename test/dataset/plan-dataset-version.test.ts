import { describe, expect, it } from 'vitest';
import { formatJsonLine } from '../../src/artifacts/canonical-json.js';
import { decodeArtifact, decodeLines } from '../../src/artifacts/codec.js';
import type { DatasetItem } from '../../src/artifacts/schemas/dataset.js';
import { contentBytes } from '../../src/store/commit-files.js';
import type { DatasetConfig } from '../../src/artifacts/schemas/model-config.js';
import { planDatasetVersion, prepareItem, type IngestedItem } from '../../src/dataset/plan-dataset-version.js';
import { assignSplit } from '../../src/dataset/split.js';
import { sha } from '../helpers/builders.js';

const config: DatasetConfig = {
  schema: 'DatasetConfig/v1',
  dataset: 'shapes',
  taxonomy_version: 'taxonomy_v1',
  label_studio: { url: 'http://localhost:8080', project: 1 },
  splits: { train: 0.8, val: 0.1, test: 0.1 },
  weak_label_weights: { user_tag: 0.5, vote: 0.3, swipe: 0.2 },
};
const source = { kind: 'label-studio-export' as const, project: '1', export: 'export.json', export_sha256: sha('e'), tasks: 2 };
const taxonomy = { version: 'taxonomy_v1', path: 'datasets/taxonomies/taxonomy_v1.json', sha256: sha('t') };

function task(taskId: number, label: string, updatedAt: string): IngestedItem {
  return {
    id: `1-${taskId}`,
    taskId,
    updatedAt,
    item: {
      image: { url: `/data/upload/1/${taskId}.png`, sha256: sha(`img${taskId}`), width: 64, height: 64, format: 'png', defect: null },
      classes: [label],
      regions: [{ label, x: 0.1, y: 0.1, width: 0.5, height: 0.5, rotation: 0 }],
      annotation: { task_id: taskId, annotation_id: taskId * 10, completed_by: 1, ground_truth: false, updated_at: updatedAt },
      meta: {},
    },
  };
}

/** A parent version's item reader over items in memory. */
function visit(items: DatasetItem[]) {
  return (fn: (item: DatasetItem, text: string) => void) => {
    for (const item of items) fn(item, formatJsonLine(item));
    return items.length;
  };
}

describe('planDatasetVersion', () => {
  const first = planDatasetVersion({
    config,
    taxonomy,
    parent: null,
    items: [task(2, 'square', '2026-11-02T00:00:00.000Z'), task(1, 'circle', '2026-11-01T00:00:00.000Z')].map((t) => prepareItem(t, config)),
    weakLabels: [],
    source,
    now: '2026-11-03T00:00:00.000Z',
  })!;

  it('writes a first version with items in task order, each in its hash split, and a manifest that checksums them', () => {
    expect(first.version).toBe('v0001');
    expect(first.files.map((f) => f.path)).toEqual(['datasets/shapes/v0001/manifest.json', 'datasets/shapes/v0001/items.jsonl']);
    const items = decodeLines('DatasetItem', contentBytes(first.files[1]!.content), 'items.jsonl');
    expect(items.map((i) => [i.id, i.split])).toEqual([
      ['1-1', assignSplit('1-1', config.splits)],
      ['1-2', assignSplit('1-2', config.splits)],
    ]);
    const manifest = decodeArtifact('DatasetArtifact', contentBytes(first.files[0]!.content), 'manifest.json');
    expect(manifest.items_sha256).toBe(sha(contentBytes(first.files[1]!.content)));
    expect(manifest.cursor).toEqual({ updated_at: '2026-11-02T00:00:00.000Z', task_id: 2 });
    expect(manifest.counts).toEqual({
      items: 2,
      classes: { circle: 1, square: 1 },
      region_classes: { circle: 1, square: 1 },
      splits: { train: items.filter((i) => i.split === 'train').length, val: items.filter((i) => i.split === 'val').length, test: items.filter((i) => i.split === 'test').length },
      missing_images: 0,
    });
  });

  it('lays corrections over the parent, keeps every other item, and links the parent by checksum', () => {
    const parentItems = decodeLines('DatasetItem', contentBytes(first.files[1]!.content), 'items.jsonl');
    const parent = { manifest: first.manifest, manifestRef: { path: first.files[0]!.path, sha256: sha(contentBytes(first.files[0]!.content)) }, weakLabels: [], forEachItem: visit(parentItems) };
    const next = planDatasetVersion({
      config,
      taxonomy,
      parent,
      items: [task(1, 'triangle', '2026-11-05T00:00:00.000Z'), task(3, 'circle', '2026-11-04T00:00:00.000Z')].map((t) => prepareItem(t, config)),
      weakLabels: [],
      source,
      now: '2026-11-06T00:00:00.000Z',
    })!;
    expect(next).toMatchObject({ version: 'v0002', added: 1, updated: 1 });
    expect(next.manifest.parent).toEqual({ dataset_version: 'v0001', manifest: parent.manifestRef });
    expect(next.manifest.counts.classes).toEqual({ triangle: 1, square: 1, circle: 1 });
    expect(next.manifest.cursor).toEqual({ updated_at: '2026-11-05T00:00:00.000Z', task_id: 1 });
  });

  it('returns null when nothing is new, so the stage writes nothing', () => {
    const parentItems = decodeLines('DatasetItem', contentBytes(first.files[1]!.content), 'items.jsonl');
    const parent = { manifest: first.manifest, manifestRef: { path: 'x', sha256: sha('x') }, weakLabels: [], forEachItem: visit(parentItems) };
    expect(planDatasetVersion({ config, taxonomy, parent, items: [prepareItem(task(1, 'circle', '2026-11-01T00:00:00.000Z'), config)], weakLabels: [], source, now: 'x' })).toBeNull();
  });
});

describe('assignSplit', () => {
  it('is a pure function of the item id, with shares close to the configured ones', () => {
    const counts = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < 20_000; i++) counts[assignSplit(`item-${i}`, config.splits)]++;
    expect(counts.train / 20_000).toBeCloseTo(0.8, 1);
    expect(counts.test / 20_000).toBeCloseTo(0.1, 1);
    expect(assignSplit('item-7', config.splits)).toBe(assignSplit('item-7', config.splits));
  });
});
