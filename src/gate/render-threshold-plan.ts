import { commentMarker } from '../forge/port.js';
import { COMMENT_LIMIT, splitComment, type CommentSection } from '../forge/split-comment.js';
import type { StageMove } from './plan-stage-moves.js';
import type { UnreplayableDecision } from './read-recorded-decisions.js';
import { isFlipped, type ReplayedDecision, type RuleChange } from './replay-decisions.js';

export interface ThresholdChange {
  /** Dotted path in the thresholds file, e.g. `max_regression.class_f1`. */
  key: string;
  before: unknown;
  after: unknown;
}

/** What the plan comment shows: the changed values of each file, the replays, the rollouts a stage change moves. */
export interface ThresholdPlanView {
  gating: { file: string; changes: ThresholdChange[] };
  rollout: { file: string; changes: ThresholdChange[]; moves: StageMove[] };
  replayed: ReplayedDecision[];
  unreplayable: UnreplayableDecision[];
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

/** The part number a comment body's marker names, or null for any other comment. */
export function thresholdPlanPartOf(body: string): number | null {
  const match = /^<!-- cairn:threshold-plan(?::(\d+))? -->/.exec(body);
  return match ? Number(match[1] ?? 1) : null;
}

/**
 * The threshold plan as a pull request comment: the decisions that would flip first, each with
 * the rules that changed, their values, thresholds and margins; the rollouts a change of stages
 * would move; every other decision collapsed, and the decisions that cannot be replayed named.
 */
export function renderThresholdPlan(view: ThresholdPlanView): ThresholdPlanComment {
  const { replayed, unreplayable } = view;
  const flips = replayed.filter(isFlipped);
  const steady = replayed.filter((decision) => !isFlipped(decision));
  const title =
    flips.length === 0
      ? `### Threshold plan: no recorded gate decision would change (${count(replayed.length, 'replayed')})`
      : `### Threshold plan: ${flips.length} of ${count(replayed.length, 'recorded gate decision')} would change`;
  const head = [title, '', describeFile(view.gating), describeFile(view.rollout), ''];
  const sections: CommentSection[] = [];
  if (flips.length > 0) {
    sections.push({
      open: ['| model | version | decision now → with this change | what changed |', '| --- | --- | --- | --- |'],
      rows: flips.map((d) => `| ${d.model} | ${d.model_version} | ${d.current} → **${d.proposed}** | ${d.changes.filter(decides).map(describeChange).join('<br>')} |`),
      close: [''],
    });
  }
  if (view.rollout.moves.length > 0) {
    sections.push({
      open: ['Rollouts in progress on a stage the proposed stages drop:', '', '| model | candidate | at | next stage now | next stage with this change |', '| --- | --- | --- | --- | --- |'],
      rows: view.rollout.moves.map((m) => `| ${m.model} | ${m.model_version} | ${m.percent}% | ${stage(m.nextNow)} | **${stage(m.nextProposed)}** |`),
      close: [''],
    });
  }
  if (steady.length > 0) {
    sections.push({
      open: [`<details><summary>${count(steady.length, 'decision')} that would not change</summary>`, '', '| model | version | decision | recorded by the gate |', '| --- | --- | --- | --- |'],
      rows: steady.map((d) => `| ${d.model} | ${d.model_version} | ${d.proposed} | ${d.recorded}${d.recorded === d.current ? '' : ' (older thresholds)'} |`),
      close: ['', '</details>', ''],
    });
  }
  if (unreplayable.length > 0) {
    sections.push({
      open: [`<details><summary>${count(unreplayable.length, 'decision')} that cannot be replayed</summary>`, '', '| model | version | decision | why |', '| --- | --- | --- | --- |'],
      rows: unreplayable.map((d) => `| ${d.model} | ${d.model_version} | ${d.decision} | ${d.reason} |`),
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

function describeFile({ file, changes }: { file: string; changes: ThresholdChange[] }): string {
  return changes.length === 0 ? `- \`${file}\`: unchanged` : `- \`${file}\`: ${changes.map((c) => `\`${c.key}\` ${show(c.before)} → ${show(c.after)}`).join(', ')}`;
}

/** A rule that moved between pass and skipped did not change any decision: left out of the comment. */
function decides(change: RuleChange): boolean {
  return [change.before.outcome, change.after.outcome].some((outcome) => outcome === 'fail' || outcome === 'review');
}

function describeChange(change: RuleChange): string {
  const value = change.value === null ? '—' : change.value.toFixed(4);
  const margin = change.margin === null ? '' : `, margin ${change.margin >= 0 ? '+' : '−'}${Math.abs(change.margin).toFixed(4)}`;
  return `\`${change.metric}\` ${value} vs ${show(change.before.threshold)} → ${show(change.after.threshold)}: ${change.before.outcome} → ${change.after.outcome}${margin}`;
}

function stage(percent: number | null): string {
  return percent === null ? 'none (last stage)' : percent === 0 ? 'shadow (0%)' : `${percent}%`;
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'off' : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 || noun === 'replayed' ? '' : 's'}`;
}
