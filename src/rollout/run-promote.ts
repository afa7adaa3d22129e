import { classifyPath } from '../artifacts/layout.js';
import { isCairnError } from '../errors.js';
import type { PullRequest } from '../forge/port.js';
import { evaluateManualReview } from '../review/evaluate-manual-review.js';
import { GATE_CONTEXT, statusDescription } from '../review/run-review-check.js';
import { GitCli } from '../store/git-cli.js';
import { diffCommits } from '../store/tree-diff.js';
import { runRollout, type RolloutDeps } from './run-rollout.js';
import type { Decision } from './rollout-pull-request.js';

export interface PromoteOptions {
  /** The base branch the model pull request was merged into, e.g. `main`. */
  base: string;
  /** The commits before and after the push: gate decisions added between them are promoted. */
  before: string | null;
  after: string;
  runId: string;
  now: () => Date;
}

export interface PromoteOutcome {
  model: string;
  version: string;
  decision: Decision;
  /** merged: approved and rolled out; review: waiting on the cairn/gate check; rejected: no pull request; refused: a policy said no. */
  outcome: 'merged' | 'review' | 'rejected' | 'refused';
  pullRequest: PullRequest | null;
  message: string;
}

/**
 * The promote stage, after a model pull request is merged: each gate decision the push added
 * starts a rollout at the first stage. `approve` opens the promotion pull request and merges it;
 * `require_manual_review` opens it with the `cairn/gate` check pending; `reject` opens nothing.
 */
export async function runPromote(deps: RolloutDeps, options: PromoteOptions): Promise<PromoteOutcome[]> {
  const outcomes: PromoteOutcome[] = [];
  for (const { model, version } of await findNewGateDecisions(deps, options)) {
    const gate = await deps.reader.loadArtifact('GateDecision', options.after, `registry/${model}/${version}/gate.json`);
    const base = { model, version, decision: gate.decision };
    if (gate.decision === 'reject') {
      outcomes.push({ ...base, outcome: 'rejected', pullRequest: null, message: `${model} ${version} was rejected by its gate: recorded, not rolled out` });
      continue;
    }
    const approved = gate.decision === 'approve';
    try {
      const result = await runRollout(deps, {
        model,
        request: { action: 'start', version },
        reason: approved ? `the gate approved ${version}` : `the gate asks for a manual review of ${version}`,
        base: options.base,
        runId: options.runId,
        now: options.now,
        labels: ['cairn:rollout', approved ? 'cairn:approved' : 'cairn:manual-review'],
      });
      const pr = result.pullRequest!;
      if (approved) {
        // The required cairn/gate check passes first, so that branch protection lets the merge through.
        await deps.forge.setStatus({ context: GATE_CONTEXT, sha: pr.headSha, state: 'success', description: `the gate approved ${model} ${version}` });
        const merged = await deps.forge.mergePullRequest(pr.number, { sha: pr.headSha });
        outcomes.push({ ...base, outcome: 'merged', pullRequest: merged, message: `#${pr.number} merged: ${result.plan.title}` });
        continue;
      }
      const check = evaluateManualReview({ pullRequest: pr, reviews: await deps.forge.listReviews(pr.number) });
      await deps.forge.setStatus({ context: GATE_CONTEXT, sha: pr.headSha, state: 'pending', description: statusDescription(check.description) });
      outcomes.push({ ...base, outcome: 'review', pullRequest: pr, message: `#${pr.number} waits for a review: ${check.description}` });
    } catch (error) {
      if (!isCairnError(error) || error.code !== 'E_POLICY') throw error;
      outcomes.push({ ...base, outcome: 'refused', pullRequest: null, message: error.message });
    }
  }
  return outcomes;
}

/** `registry/<model>/<version>/gate.json` files added between the two commits, in path order. */
async function findNewGateDecisions(deps: RolloutDeps, options: PromoteOptions): Promise<Array<{ model: string; version: string }>> {
  // A push that created the branch has no "before" (GitHub sends zeros): compare with the first parent.
  const given = options.before && !/^0+$/.test(options.before) ? options.before : null;
  const before = given ?? (await new GitCli(deps.dir).revParse(`${options.after}^1`));
  const changes = before ? await diffCommits(deps.reader, before, options.after) : [];
  return changes
    .filter((change) => change.status === 'added' && classifyPath(change.path)?.kind === 'GateDecision')
    .map((change) => change.path.split('/'))
    .map(([, model, version]) => ({ model: model!, version: version! }));
}

/** The job summary: one line per decision. */
export function formatPromoteSummary(outcomes: readonly PromoteOutcome[]): string {
  if (outcomes.length === 0) return '### cairn promote: no new gate decision\n';
  const icon = { merged: '🚀', review: '⏳', rejected: '⛔', refused: '❌' } as const;
  return ['### cairn promote', '', '| model | version | decision | outcome |', '| --- | --- | --- | --- |', ...outcomes.map((o) => `| ${o.model} | ${o.version} | \`${o.decision}\` | ${icon[o.outcome]} ${o.message.replace(/\|/g, '\\|')} |`)].join('\n') + '\n';
}
