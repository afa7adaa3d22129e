import type { DemoScene } from './build-demo-scene.js';
import type { LabelStudioTask } from './label-studio-export.js';
import { createPrng, mixSeed } from './prng.js';
import type { DemoShape } from './shapes.js';
import { formatMicros, MICROS_PER_DAY, parseMicros } from './timestamps.js';

/** Where a user signal came from: a tag typed by a user, a vote, or a swipe in a triage UI. */
export type WeakSignalSource = 'user_tag' | 'vote' | 'swipe';

/** One user signal about a task's image class, as an application would log it. */
export interface DemoWeakLabel {
  task_id: number;
  label: string;
  source: WeakSignalSource;
  confidence: number;
  observed_at: string;
}

/** What {@link buildDemoWeakLabels} needs. */
export interface DemoWeakLabelOptions {
  seed: number;
  classes: readonly DemoShape[];
  /** Share of tasks that receive signals (1–3 each). */
  weakLabelRate: number;
  /** Share of signals that name a wrong class. */
  weakLabelNoiseRate: number;
}

/** How sure each kind of signal tends to be: a deliberate tag more than a vote, a vote more than a swipe. */
const CONFIDENCE: Record<WeakSignalSource, readonly [number, number]> = {
  user_tag: [0.7, 1],
  vote: [0.5, 0.95],
  swipe: [0.3, 0.8],
};
const SOURCES = Object.keys(CONFIDENCE) as WeakSignalSource[];
const STREAM_WEAK_LABELS = 20;
const MINUTE = 60_000_000;

/**
 * User signals for some of `tasks`, each observed after its task was created, in time order.
 * Most name the scene's true class; `weakLabelNoiseRate` of them name another.
 */
export function buildDemoWeakLabels(scenes: readonly DemoScene[], tasks: readonly LabelStudioTask[], options: DemoWeakLabelOptions): DemoWeakLabel[] {
  const prng = createPrng(mixSeed(options.seed, STREAM_WEAK_LABELS));
  const signals: Array<DemoWeakLabel & { at: number }> = [];
  for (const task of tasks) {
    if (!prng.chance(options.weakLabelRate)) continue;
    const scene = scenes[task.id - 1];
    if (!scene) throw new RangeError(`no scene for task ${task.id}`);
    const others = options.classes.filter((name) => name !== scene.label);
    const count = prng.int(1, 3);
    for (let i = 0; i < count; i++) {
      const source = prng.pick(SOURCES);
      const [low, high] = CONFIDENCE[source];
      const noisy = others.length > 0 && prng.chance(options.weakLabelNoiseRate);
      const at = parseMicros(task.created_at) + prng.int(MINUTE, 3 * MICROS_PER_DAY);
      signals.push({
        task_id: task.id,
        label: noisy ? prng.pick(others) : scene.label,
        source,
        confidence: Math.round(prng.float(low, high) * 1000) / 1000,
        observed_at: formatMicros(at),
        at,
      });
    }
  }
  signals.sort((a, b) => a.at - b.at || a.task_id - b.task_id);
  return signals.map(({ at: _at, ...signal }) => signal);
}

/** One JSON object a line, newline-terminated. */
export function formatWeakLabelsJsonl(labels: readonly DemoWeakLabel[]): string {
  return labels.map((label) => `${JSON.stringify(label)}\n`).join('');
}

/** The same signals as CSV with a header row; no field needs quoting (names match `^[A-Za-z0-9._-]+$`). */
export function formatWeakLabelsCsv(labels: readonly DemoWeakLabel[]): string {
  const header = 'task_id,label,source,confidence,observed_at\n';
  return header + labels.map((l) => `${l.task_id},${l.label},${l.source},${l.confidence},${l.observed_at}\n`).join('');
}
