import type { DatasetItem, WeakLabel } from '../artifacts/schemas/dataset.js';
import type { Taxonomy } from '../artifacts/schemas/taxonomy.js';
import type { ValidationThresholds } from '../artifacts/schemas/thresholds.js';
import { Faults, SHOWN } from './faults.js';
import { checkImageHeaders, checkImages } from './image-checks.js';
import { uprightBox } from './upright-box.js';

export interface Check {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  details?: unknown;
}

export interface CheckContext {
  weakLabels: readonly WeakLabel[];
  taxonomy: Taxonomy;
  thresholds: ValidationThresholds;
  now: Date;
}

/**
 * A dataset check fed one item at a time, so a version is validated while its items stream past
 * and none are held: `add` each item, then `finish` gives the verdict.
 */
export interface DatasetCheck {
  add(item: DatasetItem): void;
  finish(): Check;
}

const DAY_MS = 86_400_000;
const SLACK = 1e-9;

export function checkTaxonomy({ taxonomy }: CheckContext): DatasetCheck {
  const classes = new Set(taxonomy.classes.map((c) => c.name));
  const regionClasses = new Set(taxonomy.region_classes.map((c) => c.name));
  const faults = new Faults();
  return {
    add(item) {
      for (const name of item.classes) if (!classes.has(name)) faults.add(`${item.id}: class "${name}"`);
      for (const region of item.regions) if (!regionClasses.has(region.label)) faults.add(`${item.id}: region class "${region.label}"`);
    },
    finish: () =>
      faults.count === 0
        ? { name: 'taxonomy', status: 'pass', message: `every label is in ${taxonomy.taxonomy_version}` }
        : { name: 'taxonomy', status: 'fail', message: `${faults.count} label(s) outside ${taxonomy.taxonomy_version}`, details: faults.shown },
  };
}

export function checkClassDistribution({ taxonomy, thresholds }: CheckContext): DatasetCheck {
  const classes = Object.fromEntries(taxonomy.classes.map((c) => [c.name, 0])) as Record<string, number>;
  const regions = Object.fromEntries(taxonomy.region_classes.map((c) => [c.name, 0])) as Record<string, number>;
  return {
    add(item) {
      for (const name of item.classes) if (name in classes) classes[name]!++;
      for (const region of item.regions) if (region.label in regions) regions[region.label]!++;
    },
    finish() {
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
    },
  };
}

export function checkRegionBoxes({ thresholds }: CheckContext): DatasetCheck {
  const faults = new Faults();
  return {
    add(item) {
      // Named only when at fault: a dataset's regions are many and nearly all sound.
      const where = (index: number) => `${item.id} region ${index} (${item.regions[index]!.label})`;
      item.regions.forEach((region, index) => {
        const box = uprightBox(region);
        if (box.x < 0 || box.y < 0 || box.x > 1 || box.y > 1) faults.add(`${where(index)}: corner outside [0,1]`);
        else if (box.x + box.width > 1 + SLACK) faults.add(`${where(index)}: x + width = ${(box.x + box.width).toFixed(6)} > 1`);
        else if (box.y + box.height > 1 + SLACK) faults.add(`${where(index)}: y + height = ${(box.y + box.height).toFixed(6)} > 1`);
        else if (region.width < thresholds.min_region_size || region.height < thresholds.min_region_size) {
          faults.add(`${where(index)}: degenerate, ${region.width.toFixed(4)} × ${region.height.toFixed(4)} is below ${thresholds.min_region_size}`);
        }
      });
    },
    finish: () =>
      faults.count === 0
        ? { name: 'region-boxes', status: 'pass', message: 'every region lies inside its image and has an area' }
        : { name: 'region-boxes', status: 'fail', message: `${faults.count} invalid region(s)`, details: faults.shown },
  };
}

export function checkConflictingLabels(): DatasetCheck {
  // Per image: the first item's labels, and every item that disagrees with them.
  const byImage = new Map<string, { first: string; labels: string; others: string[] }>();
  return {
    add(item) {
      if (!item.image.sha256) return;
      const labels = [...item.classes].sort().join('+') || '(none)';
      const seen = byImage.get(item.image.sha256);
      if (!seen) byImage.set(item.image.sha256, { first: item.id, labels, others: [] });
      else if (seen.labels !== labels) seen.others.push(`${item.id} says ${labels}`);
    },
    finish() {
      const conflicts = [...byImage.entries()]
        .filter(([, image]) => image.others.length > 0)
        .map(([sha, image]) => `image ${sha.slice(0, 12)}: ${image.first} says ${image.labels}, ${image.others.join(', ')}`);
      return conflicts.length === 0
        ? { name: 'conflicting-labels', status: 'pass', message: 'no image carries two different labels' }
        : { name: 'conflicting-labels', status: 'fail', message: `${conflicts.length} image(s) under conflicting labels`, details: conflicts.slice(0, SHOWN) };
    },
  };
}

export function checkFreshness({ thresholds, now }: CheckContext): DatasetCheck {
  let newest = Number.NEGATIVE_INFINITY;
  return {
    add(item) {
      newest = Math.max(newest, Date.parse(item.annotation.updated_at));
    },
    finish() {
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
    },
  };
}

export function checkLeakage({ weakLabels, thresholds }: CheckContext): DatasetCheck {
  const cutoff = thresholds.leakage_cutoff ? Date.parse(thresholds.leakage_cutoff) : null;
  const late = new Faults();
  return {
    add(item) {
      if (cutoff !== null && Date.parse(item.annotation.updated_at) > cutoff) late.add(`${item.id}: labelled ${item.annotation.updated_at}`);
    },
    finish() {
      if (cutoff === null) return { name: 'label-leakage', status: 'pass', message: 'no leakage cutoff set' };
      for (const label of weakLabels) if (Date.parse(label.observed_at) > cutoff) late.add(`${label.item_id}: weak label observed ${label.observed_at}`);
      return late.count === 0
        ? { name: 'label-leakage', status: 'pass', message: `no label observed after ${thresholds.leakage_cutoff}` }
        : { name: 'label-leakage', status: 'fail', message: `${late.count} label(s) observed after the cutoff ${thresholds.leakage_cutoff}`, details: late.shown };
    },
  };
}

export const DATASET_CHECKS = [checkTaxonomy, checkClassDistribution, checkRegionBoxes, checkConflictingLabels, checkFreshness, checkLeakage, checkImages, checkImageHeaders];
