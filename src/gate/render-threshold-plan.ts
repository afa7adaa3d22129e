import { commentMarker } from '../forge/port.js';
import { COMMENT_LIMIT, splitComment, type CommentSection } from '../forge/split-comment.js';
import { isFlipped, type ReplayedDecision, type RuleChange } from './replay-decisions.js';

export interface ThresholdChange {
  /** Dotted path in the thresholds file, e.g. `max_regression.class_f1`. */
  key: string;
  before: unknown;
  after: unknown;
}

export interface ThresholdPlanComment {
  /** One body per comment, each under GitHub's limit; almost always one. */
  parts: Array<{ marker: string; body: string }>;
  flipped: number;
}

/** The marker of part `n` of the plan comment (part 1 is the comment a pull request usually has). */
export function thresholdPlanMarker(part: number): string {
  return commentMarker(part === 1 ? 'threshold-plan' : `threshold-plan:${part}`);
}

/**
 * The threshold plan as a pull request comment: the decisions that would flip first, each with
 * the rules that changed, their values, thresholds and margins; every other decision collapsed.
 */
export function renderThresholdPlan(file: string, changes: ThresholdChange[], replayed: ReplayedDecision[]): ThresholdPlanComment {
  const flips = replayed.filter(isFlipped);
  const steady = replayed.filter((decision) => !isFlipped(decision));
  const head = [
    `### Threshold plan: ${count(flips.length, 'recorded gate decision')} of ${replayed.length} would change`,
    '',
    changes.length === 0 ? `\`${file}\`: no value changes.` : `\`${file}\`: ${changes.map((c) => `\`${c.key}\` ${show(c.before)} → ${show(c.after)}`).join(', ')}`,
    '',
  ];
  const sections: CommentSection[] = [];
  if (flips.length > 0) {
    sections.push({
      open: ['| model | version | decision now → with this change | what changed |', '| --- | --- | --- | --- |'],
      rows: flips.map((d) => `| ${d.model} | ${d.model_version} | ${d.current} → **${d.proposed}** | ${d.changes.map(describeChange).join('<br>')} |`),
      close: [''],
    });
  } else {
    head.push('No recorded decision would change.', '');
  }
  if (steady.length > 0) {
    sections.push({
      open: [`<details><summary>${count(steady.length, 'decision')} that would not change</summary>`, '', '| model | version | decision | recorded by the gate |', '| --- | --- | --- | --- |'],
      rows: steady.map((d) => `| ${d.model} | ${d.model_version} | ${d.proposed} | ${d.recorded}${d.recorded === d.current ? '' : ' (older thresholds)'} |`),
      close: ['', '</details>', ''],
    });
  }
  // Room for the marker line each part starts with.
  const bodies = splitComment(head, sections, (part) => `### Threshold plan (continued, part ${part})`, COMMENT_LIMIT - 64);
  return {
    parts: bodies.map((body, index) => ({ marker: thresholdPlanMarker(index + 1), body: `${thresholdPlanMarker(index + 1)}\n${body}` })),
    flipped: flips.length,
  };
}

function describeChange(change: RuleChange): string {
  const value = change.value === null ? '—' : change.value.toFixed(4);
  const margin = change.margin === null ? '' : `, margin ${change.margin >= 0 ? '+' : '−'}${Math.abs(change.margin).toFixed(4)}`;
  return `\`${change.metric}\` ${value} vs ${show(change.before.threshold)} → ${show(change.after.threshold)}: ${change.before.outcome} → ${change.after.outcome}${margin}`;
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'off' : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
