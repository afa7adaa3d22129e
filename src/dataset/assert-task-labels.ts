import type { Taxonomy } from '../artifacts/schemas/taxonomy.js';
import { InputError } from '../errors.js';
import type { LabelledTask } from './labelled-task.js';

const SHOWN = 10;

/**
 * The label rules of an export, checked task by task as it streams past: the export speaks one
 * taxonomy version, the one its dataset is bound to (tasks that name none are bound by the
 * dataset's config), the repository holds it, and every image class and region class is in it.
 * `assertClean` throws the first broken rule, naming the tasks and labels.
 */
export class TaskLabelChecks {
  private readonly byVersion = new Map<string, number[]>();
  private readonly faults: string[] = [];
  private faultCount = 0;
  private readonly classes: Set<string>;
  private readonly regionClasses: Set<string>;

  constructor(
    private readonly taxonomy: Taxonomy,
    private readonly bound: string,
    private readonly file: string,
    private readonly known: (version: string) => boolean,
  ) {
    this.classes = new Set(taxonomy.classes.map((c) => c.name));
    this.regionClasses = new Set(taxonomy.region_classes.map((c) => c.name));
  }

  add(task: LabelledTask): void {
    const version = task.taxonomyVersion ?? this.bound;
    const ids = this.byVersion.get(version);
    if (ids) ids.push(task.taskId);
    else this.byVersion.set(version, [task.taskId]);
    for (const name of task.classes) if (!this.classes.has(name)) this.fault(`task ${task.taskId}: class "${name}"`);
    for (const region of task.regions) if (!this.regionClasses.has(region.label)) this.fault(`task ${task.taskId}: region class "${region.label}"`);
  }

  assertClean(): void {
    const { file, bound } = this;
    if (this.byVersion.size > 1) {
      const parts = [...this.byVersion].map(([version, ids]) => `${version}: tasks ${list(ids)}`);
      throw new InputError(`${file}: the export mixes taxonomy versions (${parts.join('; ')})`, { file, item: parts.join('; '), rule: 'one-taxonomy-version' });
    }
    const [version, ids] = [...this.byVersion][0] ?? [bound, []];
    if (!this.known(version)) {
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
    if (this.faultCount > 0) {
      const more = this.faultCount > SHOWN ? ', …' : '';
      throw new InputError(`${file}: ${this.faultCount} label(s) outside ${this.taxonomy.taxonomy_version}: ${this.faults.join(', ')}${more}`, {
        file,
        item: this.faults[0]!,
        rule: 'label-in-taxonomy',
        faults: this.faults,
      });
    }
  }

  private fault(text: string): void {
    if (this.faultCount++ < SHOWN) this.faults.push(text);
  }
}

function list(ids: number[]): string {
  return ids.length > SHOWN ? `${ids.slice(0, SHOWN).join(', ')} and ${ids.length - SHOWN} more` : ids.join(', ');
}
