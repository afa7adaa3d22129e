import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../src/demo/build-demo-dataset.js';
import { formatWeakLabelsCsv, formatWeakLabelsJsonl } from '../../src/demo/build-weak-labels.js';
import { parseMicros } from '../../src/demo/timestamps.js';

const dataset = buildDemoDataset({ seed: 9, count: 500 });
const { weakLabels, scenes } = dataset;
const tasks = new Map(dataset.exports.second.map((t) => [t.id, t]));

describe('buildDemoWeakLabels', () => {
  it('gives signals for about 30% of the tasks, each about a known task', () => {
    const covered = new Set(weakLabels.map((w) => w.task_id));
    expect(covered.size).toBeGreaterThan(550 * 0.2);
    expect(covered.size).toBeLessThan(550 * 0.4);
    for (const id of covered) expect(tasks.has(id)).toBe(true);
  });

  it('writes the listed fields only, with known sources and confidences in [0, 1]', () => {
    for (const w of weakLabels) {
      expect(Object.keys(w)).toEqual(['task_id', 'label', 'source', 'confidence', 'observed_at']);
      expect(['user_tag', 'vote', 'swipe']).toContain(w.source);
      expect(w.confidence).toBeGreaterThanOrEqual(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
      expect(dataset.options.classes).toContain(w.label);
    }
    expect(new Set(weakLabels.map((w) => w.source)).size).toBe(3);
  });

  it('mostly agrees with the true class, and is sometimes wrong', () => {
    const agree = weakLabels.filter((w) => w.label === scenes[w.task_id - 1]?.label).length;
    expect(agree / weakLabels.length).toBeGreaterThan(0.75);
    expect(agree).toBeLessThan(weakLabels.length);
  });

  it('observes each signal after its task was created, in time order', () => {
    const times = weakLabels.map((w) => parseMicros(w.observed_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const w of weakLabels) expect(parseMicros(w.observed_at)).toBeGreaterThan(parseMicros(tasks.get(w.task_id)!.created_at));
  });
});

describe('the weak-label files', () => {
  it('hold the same signals as JSONL and as CSV', () => {
    const fromJsonl = formatWeakLabelsJsonl(weakLabels).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    const [header, ...rows] = formatWeakLabelsCsv(weakLabels).trimEnd().split('\n');
    const columns = header!.split(',');
    const fromCsv = rows.map((row) => {
      const cells = row.split(',');
      const record = Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
      return { ...record, task_id: Number(record.task_id), confidence: Number(record.confidence) };
    });
    expect(fromJsonl).toEqual(weakLabels);
    expect(fromCsv).toEqual(weakLabels);
  });

  it('start with a CSV header', () => {
    expect(formatWeakLabelsCsv([])).toBe('task_id,label,source,confidence,observed_at\n');
    expect(formatWeakLabelsJsonl([])).toBe('');
  });
});
