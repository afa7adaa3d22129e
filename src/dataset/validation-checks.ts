import type { DatasetItem, WeakLabel } from '../artifacts/schemas/dataset.js';
import type { Taxonomy } from '../artifacts/schemas/taxonomy.js';
import type { ValidationThresholds } from '../artifacts/schemas/thresholds.js';

export interface Check {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  details?: unknown;
}

export interface CheckInput {
  items: DatasetItem[];
  weakLabels: WeakLabel[];
  taxonomy: Taxonomy;
  thresholds: ValidationThresholds;
  now: Date;
}

const SHOWN = 20;
const DAY_MS = 86_400_000;
const SLACK = 1e-9;

export function checkTaxonomy({ items, taxonomy }: CheckInput): Check {
  const classes = new Set(taxonomy.classes.map((c) => c.name));
  const regionClasses = new Set(taxonomy.region_classes.map((c) => c.name));
  const faults: string[] = [];
  for (const item of items) {
    for (const name of item.classes) if (!classes.has(name)) faults.push(`${item.id}: class "${name}"`);
    for (const region of item.regions) if (!regionClasses.has(region.label)) faults.push(`${item.id}: region class "${region.label}"`);
  }
  return faults.length === 0
    ? { name: 'taxonomy', status: 'pass', message: `every label is in ${taxonomy.taxonomy_version}` }
    : { name: 'taxonomy', status: 'fail', message: `${faults.length} label(s) outside ${taxonomy.taxonomy_version}`, details: faults.slice(0, SHOWN) };
}

export function checkClassDistribution({ items, taxonomy, thresholds }: CheckInput): Check {
  const counts = (names: string[], pick: (item: DatasetItem) => string[]) => {
    const result = Object.fromEntries(names.map((name) => [name, 0])) as Record<string, number>;
    for (const item of items) for (const name of pick(item)) if (name in result) result[name]!++;
    return result;
  };
  const classes = counts(taxonomy.classes.map((c) => c.name), (item) => item.classes);
  const regions = counts(taxonomy.region_classes.map((c) => c.name), (item) => item.regions.map((r) => r.label));
  const faults: string[] = [];
  for (const [kind, table] of [['class', classes], ['region class', regions]] as const) {
    const values = Object.values(table);
    for (const [name, count] of Object.entries(table)) {
      if (count < thresholds.min_samples_per_class) faults.push(`${kind} "${name}" has ${count} samples, fewer than ${thresholds.min_samples_per_class}`);
    }
    const min = Math.min(...values);
    const max = Math.max(...values);
    if (values.length > 1 && min > 0 && max / min > thresholds.max_imbalance_ratio) {
      faults.push(`${kind} imbalance ${(max / min).toFixed(2)} exceeds ${thresholds.max_imbalance_ratio}`);
    }
  }
  const details = { classes, region_classes: regions, faults };
  return faults.length === 0
    ? { name: 'class-distribution', status: 'pass', message: 'every class has enough samples and the imbalance is within bounds', details }
    : { name: 'class-distribution', status: 'fail', message: faults.join('; '), details };
}

export function checkRegionBoxes({ items, thresholds }: CheckInput): Check {
  const faults: string[] = [];
  for (const item of items) {
    item.regions.forEach((region, index) => {
      const where = `${item.id} region ${index} (${region.label})`;
      const box = region.rotation === 0 ? region : (region.envelope ?? region);
      if (box.x < 0 || box.y < 0 || box.x > 1 || box.y > 1) faults.push(`${where}: corner outside [0,1]`);
      else if (box.x + box.width > 1 + SLACK) faults.push(`${where}: x + width = ${(box.x + box.width).toFixed(6)} > 1`);
      else if (box.y + box.height > 1 + SLACK) faults.push(`${where}: y + height = ${(box.y + box.height).toFixed(6)} > 1`);
      else if (region.width < thresholds.min_region_size || region.height < thresholds.min_region_size) {
        faults.push(`${where}: degenerate, ${region.width.toFixed(4)} × ${region.height.toFixed(4)} is below ${thresholds.min_region_size}`);
      }
    });
  }
  return faults.length === 0
    ? { name: 'region-boxes', status: 'pass', message: 'every region lies inside its image and has an area' }
    : { name: 'region-boxes', status: 'fail', message: `${faults.length} invalid region(s)`, details: faults.slice(0, SHOWN) };
}

export function checkConflictingLabels({ items }: CheckInput): Check {
  const byImage = new Map<string, Array<{ id: string; classes: string }>>();
  for (const item of items) {
    if (!item.image.sha256) continue;
    const list = byImage.get(item.image.sha256) ?? [];
    list.push({ id: item.id, classes: [...item.classes].sort().join('+') || '(none)' });
    byImage.set(item.image.sha256, list);
  }
  const conflicts = [...byImage.entries()]
    .filter(([, list]) => new Set(list.map((entry) => entry.classes)).size > 1)
    .map(([sha, list]) => `image ${sha.slice(0, 12)}: ${list.map((entry) => `${entry.id} says ${entry.classes}`).join(', ')}`);
  return conflicts.length === 0
    ? { name: 'conflicting-labels', status: 'pass', message: 'no image carries two different labels' }
    : { name: 'conflicting-labels', status: 'fail', message: `${conflicts.length} image(s) under conflicting labels`, details: conflicts.slice(0, SHOWN) };
}

export function checkFreshness({ items, thresholds, now }: CheckInput): Check {
  const newest = Math.max(...items.map((item) => Date.parse(item.annotation.updated_at)));
  if (!Number.isFinite(newest)) return { name: 'freshness', status: 'fail', message: 'no labels at all' };
  const age = (now.getTime() - newest) / DAY_MS;
  const details = { newest_label: new Date(newest).toISOString(), age_days: Math.round(age * 100) / 100 };
  if (age > thresholds.freshness.error_after_days) {
    return { name: 'freshness', status: 'fail', message: `no new labels for ${age.toFixed(1)} days (limit ${thresholds.freshness.error_after_days})`, details };
  }
  if (age > thresholds.freshness.warn_after_days) {
    return { name: 'freshness', status: 'warn', message: `no new labels for ${age.toFixed(1)} days (warning after ${thresholds.freshness.warn_after_days})`, details };
  }
  return { name: 'freshness', status: 'pass', message: `newest label is ${age.toFixed(1)} days old`, details };
}

export function checkLeakage({ items, weakLabels, thresholds }: CheckInput): Check {
  if (!thresholds.leakage_cutoff) return { name: 'label-leakage', status: 'pass', message: 'no leakage cutoff set' };
  const cutoff = Date.parse(thresholds.leakage_cutoff);
  const late = [
    ...items.filter((item) => Date.parse(item.annotation.updated_at) > cutoff).map((item) => `${item.id}: labelled ${item.annotation.updated_at}`),
    ...weakLabels.filter((label) => Date.parse(label.observed_at) > cutoff).map((label) => `${label.item_id}: weak label observed ${label.observed_at}`),
  ];
  return late.length === 0
    ? { name: 'label-leakage', status: 'pass', message: `no label observed after ${thresholds.leakage_cutoff}` }
    : { name: 'label-leakage', status: 'fail', message: `${late.length} label(s) observed after the cutoff ${thresholds.leakage_cutoff}`, details: late.slice(0, SHOWN) };
}

export function checkImages({ items }: CheckInput): Check {
  const missing = items.filter((item) => item.image.sha256 === null).map((item) => `${item.id}: ${item.image.url}`);
  return missing.length === 0
    ? { name: 'images', status: 'pass', message: 'every image was fetched and hashed' }
    : { name: 'images', status: 'warn', message: `${missing.length} image(s) could not be fetched; they are kept and skipped by training`, details: missing.slice(0, SHOWN) };
}

export const DATASET_CHECKS = [checkTaxonomy, checkClassDistribution, checkRegionBoxes, checkConflictingLabels, checkFreshness, checkLeakage, checkImages];
