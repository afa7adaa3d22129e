import { UsageError, WriteOnceError } from '../errors.js';
import type { Forge, PullRequest } from '../forge/port.js';
import { StageBranch } from '../forge/stage-branch.js';
import type { ItemImageReader } from '../registry/training-data.js';
import { buildGateComment, DECISION_MEANING, GATE_COMMENT_MARKER } from './gate-comment.js';
import { runGate, type GateDeps, type GateResult } from './run-gate.js';

export interface GateCheckDeps extends Omit<GateDeps, 'readImage'> {
  forge: Forge;
  /** The image reader of a model's dataset, built from trusted configuration (the base's). */
  imageReader: (model: string) => Promise<ItemImageReader>;
  /** Push the decision to this remote (the workflow's `origin`); omit to commit locally. */
  remote?: string;
}

export interface GateCheckOptions {
  pullRequest: number;
  /** The trusted commit whose production and `thresholds/gating.yaml` judge the candidate (the PR's base). */
  baseRef: string;
  runId: string;
  now: () => Date;
}

export const GATE_STATUS = 'cairn/gate';

/**
 * The gate check of a model pull request (`cairn/train/<model>/<version>`): decides the candidate
 * on the PR's branch against production and thresholds at the base, commits `gate.json` onto the
 * branch (pushed with retry; the branch is never checked out), posts the decision as the one bot
 * comment and sets `cairn/gate` on the commit that holds it. Every decision is a success: a
 * rejected model is still recorded when the PR merges, and nothing rolls it out. A decision that
 * differs from one already on the branch fails the check, naming both.
 */
export async function runGateCheck(deps: GateCheckDeps, options: GateCheckOptions): Promise<{ gate: GateResult; pullRequest: PullRequest }> {
  const pr = await deps.forge.getPullRequest(options.pullRequest);
  const branch = StageBranch.parse(pr.head);
  if (!branch || branch.stage !== 'train') throw new UsageError(`pull request #${pr.number} (${pr.head}) is not a cairn model pull request`, { pullRequest: pr.number, head: pr.head });
  if (!deps.remote) {
    // Without a remote the local branch is the pull request's branch: a stale one would get the decision.
    const local = await deps.reader.resolveCommit(`refs/heads/${pr.head}`).catch(() => null);
    if (local && local !== pr.headSha) throw new UsageError(`${pr.head} is at ${local.slice(0, 12)} here, but pull request #${pr.number} is at ${pr.headSha.slice(0, 12)}: fetch it, or give the remote`, { pullRequest: pr.number, branch: pr.head });
  }
  let gate: GateResult;
  try {
    gate = await runGate({ dir: deps.dir, reader: deps.reader, readImage: await deps.imageReader(branch.subject) }, {
      model: branch.subject,
      version: branch.version,
      ref: pr.headSha,
      baseRef: options.baseRef,
      branch: pr.head,
      startPoint: pr.headSha,
      ...(deps.remote ? { push: { remote: deps.remote } } : {}),
      runId: options.runId,
      now: options.now,
    });
  } catch (error) {
    if (error instanceof WriteOnceError) {
      const [recorded, now] = [String(error.data.recorded), String(error.data.now)];
      const description = `gate.json records ${recorded}; the gate now ${recorded === now ? `gives ${now} by other rules` : `gives ${now}`}: close and retrain`;
      await deps.forge.setStatus({ context: GATE_STATUS, sha: pr.headSha, state: 'failure', description });
    }
    throw error;
  }
  await deps.forge.upsertComment(pr.number, GATE_COMMENT_MARKER, buildGateComment(gate.decision));
  // The commit that holds the decision: the head may have moved on since.
  await deps.forge.setStatus({ context: GATE_STATUS, sha: gate.head!, state: 'success', description: DECISION_MEANING[gate.decision.decision] });
  return { gate, pullRequest: await deps.forge.getPullRequest(pr.number) };
}
