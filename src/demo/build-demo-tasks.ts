import type { DemoScene } from './build-demo-scene.js';
import { demoImageFileName, demoImageUrl } from './demo-image-name.js';
import { buildSceneResults, type LabelStudioAnnotation, type LabelStudioTask } from './label-studio-export.js';
import { createPrng, mixSeed, type Prng } from './prng.js';
import type { DemoShape } from './shapes.js';
import { formatMicros, MICROS_PER_DAY, MICROS_PER_SECOND, toMicros, type Micros } from './timestamps.js';

/** What {@link buildDemoTasks} needs; `resolveDemoOptions` gives all of it. */
export interface DemoTaskOptions {
  seed: number;
  /** Tasks in the first export; the scenes after them are the second export's new tasks. */
  count: number;
  startDate: Date;
  classes: readonly DemoShape[];
  taxonomyVersion: string;
  projectId: number;
  /** Share of annotations whose image class is wrong (an annotator's slip). */
  annotationErrorRate: number;
  /** Share of first-batch tasks re-annotated in the second export. */
  correctionRate: number;
  /** Share of corrections a reviewer marks as ground truth. */
  groundTruthRate: number;
}

/** Both exports of the demo project, with what a test needs to know about them. */
export interface DemoTaskBatches {
  /** The first export: `count` annotated tasks. */
  first: LabelStudioTask[];
  /** The later full export: every first-batch task (some re-annotated) plus the new tasks. */
  second: LabelStudioTask[];
  /** Task ids whose first annotation names a wrong image class. */
  mislabeled: number[];
  /** Task ids re-annotated in the second export. */
  corrected: number[];
}

const ANNOTATORS = [1, 2, 3] as const;
const REVIEWER = 4;
/** Share of slips a reviewer finds; the others stay wrong, as in real projects. */
const SLIPS_FOUND = 0.8;
const STREAM_ANNOTATIONS = 10;
const STREAM_CORRECTIONS = 11;

/** Builds both Label Studio exports from the scenes. Pure: timestamps follow from `startDate` alone. */
export function buildDemoTasks(scenes: readonly DemoScene[], options: DemoTaskOptions): DemoTaskBatches {
  const context: BatchContext = { scenes, options, nextAnnotationId: 1 };
  const annotating = createPrng(mixSeed(options.seed, STREAM_ANNOTATIONS));
  const first = annotateBatch(context, annotating, { from: 0, to: options.count, importedAt: toMicros(options.startDate) });
  const mislabeled = first.tasks.filter((t) => t.slipped).map((t) => t.task.id);

  // The second batch starts a day after the first ends: reviews first, then new tasks.
  const secondStart = first.end + MICROS_PER_DAY;
  const review = reviewBatch(context, first.tasks.map((t) => t.task), new Set(mislabeled), secondStart);
  const added = annotateBatch(context, annotating, { from: options.count, to: scenes.length, importedAt: secondStart, after: review.end });
  return {
    first: first.tasks.map((t) => t.task),
    second: [...review.tasks, ...added.tasks.map((t) => t.task)],
    mislabeled,
    corrected: review.corrected,
  };
}

interface BatchContext {
  scenes: readonly DemoScene[];
  options: DemoTaskOptions;
  nextAnnotationId: number;
}

/** A reviewer re-annotates some tasks (most slips among them), each with a copy of the correct result. */
function reviewBatch(context: BatchContext, tasks: readonly LabelStudioTask[], slips: ReadonlySet<number>, start: Micros) {
  const prng = createPrng(mixSeed(context.options.seed, STREAM_CORRECTIONS));
  const corrected = pickCorrections(prng, tasks.map((t) => t.id), slips, context.options);
  const chosen = new Set(corrected);
  let clock = start + 10 * 60 * MICROS_PER_SECOND;
  const reviewed = tasks.map((task): LabelStudioTask => {
    if (!chosen.has(task.id)) return task;
    const previous = task.annotations[task.annotations.length - 1];
    const { annotation, updatedAt } = annotate(context, prng, task.id, clock, REVIEWER, false);
    clock = updatedAt;
    annotation.ground_truth = prng.chance(context.options.groundTruthRate);
    annotation.parent_annotation = previous?.id ?? null;
    const touch = touched(task.annotations.length + 1, annotation, updatedAt, prng);
    clock = touch.at;
    return { ...task, annotations: [...task.annotations, annotation], ...touch.fields };
  });
  return { tasks: reviewed, corrected, end: clock };
}

/** Imports scenes `from … to − 1` as tasks at `importedAt`, then annotates them one after another from `after`. */
function annotateBatch(context: BatchContext, prng: Prng, batch: { from: number; to: number; importedAt: Micros; after?: Micros }) {
  const { options } = context;
  const { from, to, importedAt } = batch;
  const tasks: Array<{ task: LabelStudioTask; slipped: boolean }> = [];
  let clock = Math.max(importedAt, batch.after ?? importedAt) + 10 * 60 * MICROS_PER_SECOND;
  let end = importedAt;
  for (let index = from; index < to; index++) {
    const id = index + 1;
    // Bulk import: tasks are created a few milliseconds apart.
    const createdAt = importedAt + (index - from) * 2000 + prng.int(0, 1500);
    const slipped = options.classes.length > 1 && prng.chance(options.annotationErrorRate);
    const { annotation, updatedAt } = annotate(context, prng, id, clock, prng.pick(ANNOTATORS), slipped);
    clock = updatedAt;
    const touch = touched(1, annotation, updatedAt, prng);
    const task: LabelStudioTask = {
      id,
      annotations: [annotation],
      drafts: [],
      predictions: [],
      data: { image: demoImageUrl(options.projectId, demoImageFileName(options.seed, index)), taxonomy_version: options.taxonomyVersion },
      // How the background was painted: the subgroup the demo model's bias report compares.
      meta: { background: context.scenes[index]!.background.kind },
      created_at: formatMicros(createdAt),
      updated_at: touch.fields.updated_at,
      inner_id: id,
      total_annotations: 1,
      cancelled_annotations: 0,
      total_predictions: 0,
      comment_count: 0,
      unresolved_comment_count: 0,
      last_comment_updated_at: null,
      project: options.projectId,
      updated_by: annotation.completed_by,
      comment_authors: [],
    };
    end = Math.max(end, touch.at);
    tasks.push({ task, slipped });
  }
  return { tasks, end };
}

/** A new annotation of task `taskId`, submitted after `clock`; `slipped` names a wrong image class. */
function annotate(
  context: BatchContext,
  prng: Prng,
  taskId: number,
  clock: Micros,
  annotator: number,
  slipped: boolean,
): { annotation: LabelStudioAnnotation; updatedAt: Micros } {
  const scene = context.scenes[taskId - 1];
  if (!scene) throw new RangeError(`no scene for task ${taskId}`);
  const others = context.options.classes.filter((name) => name !== scene.label);
  const imageClass = slipped && others.length > 0 ? prng.pick(others) : scene.label;
  const leadTime = Math.round(prng.float(4, 90) * 1000) / 1000;
  // Three annotators work side by side, so the clock moves by about a third of each lead time.
  const createdAt = clock + Math.round((leadTime * MICROS_PER_SECOND) / 3) + prng.int(0, 5 * MICROS_PER_SECOND);
  const updatedAt = createdAt + prng.int(1_000, 2 * MICROS_PER_SECOND);
  const result = buildSceneResults(scene, imageClass, prng);
  const annotation: LabelStudioAnnotation = {
    id: context.nextAnnotationId++,
    completed_by: annotator,
    result,
    was_cancelled: false,
    ground_truth: false,
    created_at: formatMicros(createdAt),
    updated_at: formatMicros(updatedAt),
    lead_time: leadTime,
    prediction: {},
    result_count: 0,
    task: taskId,
    project: context.options.projectId,
    parent_prediction: null,
    parent_annotation: null,
  };
  return { annotation, updatedAt };
}

/** Task fields Label Studio updates when an annotation is saved. */
function touched(totalAnnotations: number, annotation: LabelStudioAnnotation, annotationUpdatedAt: Micros, prng: Prng) {
  const at = annotationUpdatedAt + prng.int(10_000, 60_000);
  return { at, fields: { updated_at: formatMicros(at), total_annotations: totalAnnotations, updated_by: annotation.completed_by } };
}

/** Most slips plus random other tasks, about `correctionRate` of the batch in all, in task order. */
function pickCorrections(prng: Prng, ids: readonly number[], slips: ReadonlySet<number>, options: DemoTaskOptions): number[] {
  const found = ids.filter((id) => slips.has(id) && prng.chance(SLIPS_FOUND));
  const pool = ids.filter((id) => !slips.has(id));
  const extra = Math.max(0, Math.min(pool.length, Math.round(options.correctionRate * ids.length) - found.length));
  for (let i = 0; i < extra; i++) {
    const j = prng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return [...found, ...pool.slice(0, extra)].sort((a, b) => a - b);
}
