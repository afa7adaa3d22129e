import type { Taxonomy } from '../artifacts/schemas/taxonomy.js';
import { InputError } from '../errors.js';
import type { LabelledTask } from './labelled-task.js';

const SHOWN = 10;

/**
 * An export must speak one taxonomy version, the one its dataset is bound to, and the repository
 * must hold it. Tasks that name no version are bound by the dataset's config.
 */
export function assertOneTaxonomyVersion(tasks: readonly LabelledTask[], bound: string, file: string, known: (version: string) => boolean): void {
  const byVersion = new Map<string, number[]>();
  for (const task of tasks) {
    const version = task.taxonomyVersion ?? bound;
    const ids = byVersion.get(version);
    if (ids) ids.push(task.taskId);
    else byVersion.set(version, [task.taskId]);
  }
  if (byVersion.size > 1) {
    const parts = [...byVersion].map(([version, ids]) => `${version}: tasks ${list(ids)}`);
    throw new InputError(`${file}: the export mixes taxonomy versions (${parts.join('; ')})`, { file, item: parts.join('; '), rule: 'one-taxonomy-version' });
  }
  const [version, ids] = [...byVersion][0] ?? [bound, []];
  if (!known(version)) {
    throw new InputError(`${file}: tasks ${list(ids)} name taxonomy ${version}, which the repository does not have (datasets/taxonomies/${version}.json)`, {
      file,
      item: `tasks ${list(ids)}`,
      rule: 'known-taxonomy',
    });
  }
  if (version !== bound) {
    throw new InputError(`${file}: tasks ${list(ids)} name taxonomy ${version}, but the dataset is bound to ${bound}; change dataset.yaml in a pull request first`, {
      file,
      item: `tasks ${list(ids)}`,
      rule: 'bound-taxonomy',
    });
  }
}

/** Every image class and region class of every task is in the taxonomy. */
export function assertLabelsInTaxonomy(tasks: readonly LabelledTask[], taxonomy: Taxonomy, file: string): void {
  const classes = new Set(taxonomy.classes.map((c) => c.name));
  const regionClasses = new Set(taxonomy.region_classes.map((c) => c.name));
  const faults: string[] = [];
  for (const task of tasks) {
    for (const name of task.classes) if (!classes.has(name)) faults.push(`task ${task.taskId}: class "${name}"`);
    for (const region of task.regions) if (!regionClasses.has(region.label)) faults.push(`task ${task.taskId}: region class "${region.label}"`);
  }
  if (faults.length > 0) {
    throw new InputError(`${file}: ${faults.length} label(s) outside ${taxonomy.taxonomy_version}: ${faults.slice(0, SHOWN).join(', ')}${faults.length > SHOWN ? ', …' : ''}`, {
      file,
      item: faults[0]!,
      rule: 'label-in-taxonomy',
      faults,
    });
  }
}

function list(ids: number[]): string {
  return ids.length > SHOWN ? `${ids.slice(0, SHOWN).join(', ')} and ${ids.length - SHOWN} more` : ids.join(', ');
}
