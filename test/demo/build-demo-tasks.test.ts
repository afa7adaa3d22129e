import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../src/demo/build-demo-dataset.js';
import type { LabelStudioTask } from '../../src/demo/label-studio-export.js';
import { parseMicros } from '../../src/demo/timestamps.js';

const startDate = new Date('2025-03-03T08:00:00.000Z');
const dataset = buildDemoDataset({ seed: 5, count: 400, startDate });
const { first, second, mislabeled, corrected } = dataset.exports;
const byId = (tasks: readonly LabelStudioTask[]) => new Map(tasks.map((t) => [t.id, t]));
const imageClass = (task: LabelStudioTask, n = 0) => {
  const choice = task.annotations[n]?.result[0];
  return choice?.type === 'choices' ? choice.value.choices[0] : undefined;
};
const timestamps = (tasks: readonly LabelStudioTask[]) =>
  tasks.flatMap((t) => [t.created_at, t.updated_at, ...t.annotations.flatMap((a) => [a.created_at, a.updated_at])]).map(parseMicros);

describe('the first export', () => {
  it('has one annotation a task, numbered like a fresh project', () => {
    expect(first.map((t) => t.id)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(first.map((t) => t.annotations[0]?.id)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    for (const task of first) expect(task).toMatchObject({ total_annotations: 1, inner_id: task.id, project: 1, annotations: [{ task: task.id }] });
  });

  it('derives every timestamp from the start date, in Label Studio form, never before it', () => {
    expect(first[0]?.created_at).toMatch(/^2025-03-03T08:00:00\.\d{6}Z$/);
    for (const t of first) expect(t.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(Math.min(...timestamps(first))).toBeGreaterThanOrEqual(startDate.getTime() * 1000);
    const later = buildDemoDataset({ seed: 5, count: 400, startDate: new Date('2025-03-04T08:00:00.000Z') });
    expect(later.exports.first[0]?.created_at.slice(0, 10)).toBe('2025-03-04');
  });

  it('orders each task: created, then annotated, then updated', () => {
    for (const task of first) {
      const annotation = task.annotations[0]!;
      expect(parseMicros(task.created_at)).toBeLessThan(parseMicros(annotation.created_at));
      expect(parseMicros(annotation.created_at)).toBeLessThan(parseMicros(annotation.updated_at));
      expect(parseMicros(annotation.updated_at)).toBeLessThan(parseMicros(task.updated_at));
    }
  });

  it('names the true class except in a few annotator slips', () => {
    const wrong = first.filter((t) => imageClass(t) !== dataset.scenes[t.id - 1]?.label).map((t) => t.id);
    expect(wrong).toEqual(mislabeled);
    expect(wrong.length).toBeGreaterThan(0);
    expect(wrong.length).toBeLessThan(400 * 0.08);
  });
});

describe('the second export', () => {
  const before = Math.max(...timestamps(first));
  const firstById = byId(first);

  it('holds every first-batch task and then the new ones, in id order', () => {
    expect(second.map((t) => t.id)).toEqual(Array.from({ length: 440 }, (_, i) => i + 1));
  });

  it('leaves tasks nobody re-annotated exactly as they were', () => {
    for (const task of second.slice(0, 400)) if (!corrected.includes(task.id)) expect(task).toEqual(firstById.get(task.id));
  });

  it('re-annotates about 5% of the first batch, after it, catching most slips', () => {
    expect(corrected.length).toBe(20);
    expect(mislabeled.filter((id) => corrected.includes(id)).length).toBeGreaterThanOrEqual(Math.ceil(mislabeled.length / 2));
    const secondById = byId(second);
    for (const id of corrected) {
      const task = secondById.get(id)!;
      const [original, correction] = task.annotations;
      expect(task.total_annotations).toBe(2);
      expect(correction).toMatchObject({ parent_annotation: original?.id, task: id, completed_by: 4 });
      expect(imageClass(task, 1)).toBe(dataset.scenes[id - 1]?.label);
      expect(parseMicros(correction!.created_at)).toBeGreaterThan(before);
      expect(parseMicros(task.updated_at)).toBeGreaterThan(parseMicros(correction!.updated_at));
    }
    const groundTruth = corrected.filter((id) => secondById.get(id)?.annotations[1]?.ground_truth);
    expect(groundTruth.length).toBeGreaterThan(0);
    expect(groundTruth.length).toBeLessThan(corrected.length);
  });

  it('adds new tasks imported and annotated after the first batch', () => {
    const added = second.slice(400);
    expect(Math.min(...timestamps(added))).toBeGreaterThan(before);
  });

  it('never reuses an annotation id', () => {
    const ids = second.flatMap((t) => t.annotations.map((a) => a.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
