import { UsageError } from '../errors.js';
import { DEMO_TAXONOMY_VERSION } from './build-label-config.js';
import { DEMO_SHAPES, type DemoShape } from './shapes.js';

/** What the demo dataset looks like. Only `seed` and `count` are required; the rest have fixed defaults. */
export interface DemoOptions {
  /** Any integer in [0, 2³²): the same seed and options always give byte-identical files. */
  seed: number;
  /** Tasks in the first export. */
  count: number;
  /** Side of the square images in pixels (default 64). */
  imageSize?: number;
  /** When the first tasks were imported; every timestamp follows from it (default 2024-01-08T09:00:00Z). */
  startDate?: Date;
  /** Tasks the second export adds (default 10% of `count`). */
  newTaskCount?: number;
  /** The object classes, in taxonomy order (default all of {@link DEMO_SHAPES}). */
  classes?: readonly DemoShape[];
  /** Relative frequency of each image-level class (default uniform). */
  classWeights?: Partial<Record<DemoShape, number>>;
  /** Share of annotations with a wrong image class (default 0.03). */
  annotationErrorRate?: number;
  /** Share of first-batch tasks re-annotated in the second export (default 0.05). */
  correctionRate?: number;
  /** Share of re-annotations marked ground truth (default 0.5). */
  groundTruthRate?: number;
  /** Share of tasks with user signals (default 0.3). */
  weakLabelRate?: number;
  /** Share of user signals that name a wrong class (default 0.15). */
  weakLabelNoiseRate?: number;
  /** Label Studio project id (default 1). */
  projectId?: number;
}

/** {@link DemoOptions} with every default filled in, plus the taxonomy version the exports carry. */
export type ResolvedDemoOptions = Required<Omit<DemoOptions, 'classWeights'>> & {
  classWeights: Partial<Record<DemoShape, number>>;
  taxonomyVersion: string;
};

/** When the demo's first tasks were imported unless `startDate` says otherwise. */
export const DEFAULT_DEMO_START = '2024-01-08T09:00:00.000Z';

/** Fills in defaults and refuses values that cannot make a dataset. */
export function resolveDemoOptions(options: DemoOptions): ResolvedDemoOptions {
  const resolved: ResolvedDemoOptions = {
    seed: options.seed,
    count: options.count,
    imageSize: options.imageSize ?? 64,
    startDate: options.startDate ?? new Date(DEFAULT_DEMO_START),
    newTaskCount: options.newTaskCount ?? Math.round(options.count * 0.1),
    classes: options.classes ?? DEMO_SHAPES,
    classWeights: options.classWeights ?? {},
    annotationErrorRate: options.annotationErrorRate ?? 0.03,
    correctionRate: options.correctionRate ?? 0.05,
    groundTruthRate: options.groundTruthRate ?? 0.5,
    weakLabelRate: options.weakLabelRate ?? 0.3,
    weakLabelNoiseRate: options.weakLabelNoiseRate ?? 0.15,
    projectId: options.projectId ?? 1,
    taxonomyVersion: DEMO_TAXONOMY_VERSION,
  };
  assertInteger('seed', resolved.seed, 0, 2 ** 32 - 1);
  assertInteger('count', resolved.count, 1, 1_000_000);
  assertInteger('imageSize', resolved.imageSize, 16, 4096);
  assertInteger('newTaskCount', resolved.newTaskCount, 0, 1_000_000);
  assertInteger('projectId', resolved.projectId, 1, Number.MAX_SAFE_INTEGER);
  if (Number.isNaN(resolved.startDate.getTime())) throw new UsageError('startDate is not a valid date', { option: 'startDate' });
  for (const name of ['annotationErrorRate', 'correctionRate', 'groundTruthRate', 'weakLabelRate', 'weakLabelNoiseRate'] as const) {
    const value = resolved[name];
    if (!(value >= 0 && value <= 1)) throw new UsageError(`${name} must be between 0 and 1, got ${value}`, { option: name, value });
  }
  const unknown = resolved.classes.filter((name) => !DEMO_SHAPES.includes(name));
  if (resolved.classes.length === 0 || unknown.length > 0 || new Set(resolved.classes).size !== resolved.classes.length) {
    throw new UsageError(`classes must be distinct names among ${DEMO_SHAPES.join(', ')}`, { option: 'classes', value: resolved.classes });
  }
  for (const [name, weight] of Object.entries(resolved.classWeights)) {
    if (!(typeof weight === 'number' && weight >= 0 && Number.isFinite(weight))) {
      throw new UsageError(`class weight of ${name} must be a finite number ≥ 0`, { option: 'classWeights', value: weight });
    }
  }
  if (!resolved.classes.some((name) => (resolved.classWeights[name] ?? 1) > 0)) {
    throw new UsageError('at least one class needs a positive weight', { option: 'classWeights' });
  }
  return resolved;
}

function assertInteger(option: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be an integer in [${min}, ${max}], got ${value}`, { option, value });
  }
}
