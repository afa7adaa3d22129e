import { encodeArtifact } from '../artifacts/codec.js';
import { paths } from '../artifacts/layout.js';
import type { IngestStageDeps } from '../dataset/run-ingest-stage.js';
import { ForgeError } from '../errors.js';
import type { LocalForge } from '../forge/local-forge.js';
import type { PullRequest } from '../forge/port.js';
import { runGateCheck } from '../gate/run-gate-check.js';
import { formatHistory, runHistory } from '../history/run-history.js';
import { summarizeRollout } from '../history/describe-rollout-change.js';
import { formatMetric } from '../registry/format-metric.js';
import type { TrainOptions } from '../registry/run-train.js';
import { runTrainStage } from '../registry/run-train-stage.js';
import type { ItemImageReader } from '../registry/training-data.js';
import { runReviewCheck } from '../review/run-review-check.js';
import { readRolloutState } from '../rollout/read-rollout-state.js';
import { runPromote } from '../rollout/run-promote.js';
import { runRollback } from '../rollout/run-rollback.js';
import { runRollout } from '../rollout/run-rollout.js';
import { commitStage } from '../store/stage-writer.js';
import { fetchRemote, pullFastForward } from '../store/repository-setup.js';
import { DEMO_MODEL } from './demo-repository.js';
import { formatTraffic, type DemoTraffic } from './demo-traffic.js';

/** What the promotion part of the demo works with: the repository, its forge users and how to train. */
export interface DemoPromotionContext {
  deps: IngestStageDeps;
  /** A person who reviews and merges (alice), one who reviews manual-review promotions (bob), one who edits configs (carol). */
  people: { alice: LocalForge; bob: LocalForge; carol: LocalForge };
  readImage: ItemImageReader;
  trainOptions: Omit<TrainOptions, 'runId'>;
  now: () => Date;
  step: (name: string, summary: string) => void;
  /** Simulated uploads sent through `cairn serve` after each rollout change, or null for none. */
  traffic: DemoTraffic | null;
}

/**
 * The promotion part of the embedded default, on a repository whose first model PR is gated and
 * merged: 1.0.0 rolls out 5% → 25% → 100% and is promoted; a degraded candidate is rejected by
 * the gate; a borderline one goes to manual review, its author's approval is refused, a second
 * person approves, and its rollout starts; an emergency revert takes it back out. Each step is
 * the code a workflow runs; after each rollout change, `ctx.traffic` shows what a deployer serves.
 */
export async function runDemoPromotion(ctx: DemoPromotionContext, firstModel: { mergedBefore: string; mergedAfter: string }): Promise<void> {
  const { deps, step } = ctx;
  const promote = async (before: string, after: string, runId: string) => {
    const outcomes = await runPromote(deps, { base: 'main', before, after, runId, now: ctx.now });
    await sync(deps.dir);
    return outcomes;
  };

  const [first] = await promote(firstModel.mergedBefore, firstModel.mergedAfter, 'demo-promote-1');
  step('promote 1.0.0', `${first?.decision}: promotion PR #${first?.pullRequest?.number} ${first?.outcome === 'merged' ? 'merged' : first?.outcome}; ${await serving(ctx)}`);
  for (const [index, action] of (['advance', 'advance', 'promote'] as const).entries()) {
    const moved = await runRollout(deps, { model: DEMO_MODEL, request: { action }, reason: index < 2 ? 'healthy at this stage' : 'healthy at 100%', base: 'main', runId: `demo-rollout-${index}`, now: ctx.now, merge: true });
    await sync(deps.dir);
    step(`rollout ${action}`, `PR #${moved.pullRequest?.number} merged: ${await serving(ctx)}`);
  }

  const degraded = await trainVariant(ctx, { seed: 44, why: 'try another fixed extractor seed' }, 'demo-degraded');
  step('gate 1.1.0', `${degraded.decision}: ${degraded.why}; the model and its decision are recorded when PR #${degraded.pullRequest.number} merges`);
  const [rejected] = await promote(degraded.mergedBefore, degraded.mergedAfter, 'demo-promote-2');
  step('promote 1.1.0', `${rejected?.outcome}: no promotion PR (${rejected?.message})`);

  const borderline = await trainVariant(ctx, { seed: 41, why: 'another seed, closer to production' }, 'demo-borderline');
  step('gate 1.2.0', `${borderline.decision}: ${borderline.why}`);
  const [review] = await promote(borderline.mergedBefore, borderline.mergedAfter, 'demo-promote-3');
  const promotion = review!.pullRequest!;
  step('promote 1.2.0', `promotion PR #${promotion.number} opened; cairn/gate pending: ${review?.message}`);
  const selfApproval = await deps.forge.submitReview(promotion.number, { state: 'APPROVED' }).then(
    () => 'accepted (unexpected)',
    (error: unknown) => (error instanceof ForgeError ? 'refused' : Promise.reject(error)),
  );
  const approved = await ctx.people.bob.submitReview(promotion.number, { state: 'APPROVED', body: 'per-class drop on circle is within what we accept' });
  const check = await runReviewCheck(deps, { pullRequest: promotion.number, runId: 'demo-review', now: ctx.now });
  step('manual review', `cairn-bot's own approval ${selfApproval}; bob approved ${approved.commitSha.slice(0, 7)}; cairn/gate ${check.state}: ${check.description}; approval recorded in ${check.recorded?.slice(0, 12)}`);
  const head = (await deps.forge.getPullRequest(promotion.number)).headSha;
  await ctx.people.alice.mergePullRequest(promotion.number, { sha: head });
  await sync(deps.dir);
  step('merge promotion', `PR #${promotion.number} merged: ${await serving(ctx)}`);

  const rollback = await runRollback(deps, { model: DEMO_MODEL, base: 'main', reason: 'error rate of 1.2.0 at 5% is three times production', runId: 'demo-rollback', direct: true });
  await sync(deps.dir);
  step('emergency rollback', `${rollback.plan.subject} pushed to main as ${rollback.commit?.slice(0, 12)}, 1.2.0 stays in the registry: ${await serving(ctx)}`);

  const history = await runHistory({ reader: deps.reader, model: DEMO_MODEL, ref: 'main' });
  step('history', `${history.length} rollout changes:\n${formatHistory(history).replace(/^/gm, '    ')}`);
}

/**
 * A config change through a pull request (carol opens it, alice merges it), then the train
 * workflow's model PR, its gate check, and alice merging it: what a team does to try a variant.
 */
async function trainVariant(ctx: DemoPromotionContext, variant: { seed: number; why: string }, runId: string) {
  const { deps } = ctx;
  await fetchRemote(deps.dir);
  const path = paths.modelConfig(DEMO_MODEL);
  const config = await deps.reader.loadArtifact('ModelConfig', 'origin/main', path);
  const changed = { ...config, trainer: { kind: 'builtin' as const, config: { extractor: { seed: variant.seed } } } };
  const branch = `config/${DEMO_MODEL}-seed-${variant.seed}`;
  await commitStage({ dir: deps.dir, stage: 'edit', runId, branch, startPoint: 'origin/main', push: { remote: 'origin' }, plan: () => ({ subject: `${DEMO_MODEL}: ${variant.why}`, files: [{ path, content: encodeArtifact('ModelConfig', changed, path) }] }) });
  const configPr = await ctx.people.carol.openPullRequest({ head: branch, base: 'main', title: `${DEMO_MODEL}: extractor seed ${variant.seed}`, body: variant.why });
  await ctx.people.alice.submitReview(configPr.number, { state: 'APPROVED' });
  await ctx.people.alice.mergePullRequest(configPr.number);
  await sync(deps.dir);

  const trained = await runTrainStage({ forge: deps.forge, remote: 'origin' }, { ...ctx.trainOptions, runId });
  if (trained.result.kind !== 'trained' || !trained.pullRequest) throw new Error(`demo: ${variant.why} trained nothing`);
  const modelPr: PullRequest = trained.pullRequest;
  const { gate } = await runGateCheck({ dir: deps.dir, reader: deps.reader, forge: deps.forge, remote: 'origin', imageReader: async () => ctx.readImage }, { pullRequest: modelPr.number, baseRef: 'origin/main', runId: `${runId}-gate`, now: ctx.now });
  const mergedBefore = await deps.reader.resolveCommit('origin/main');
  await ctx.people.alice.submitReview(modelPr.number, { state: 'APPROVED', body: 'the decision is recorded either way' });
  await ctx.people.alice.mergePullRequest(modelPr.number);
  await sync(deps.dir);
  const decided = gate.decision.rules.filter((rule) => rule.outcome === 'fail' || rule.outcome === 'review');
  const why = decided.length
    ? decided.map((rule) => `${rule.metric} ${formatMetric(rule.value ?? -1)} ${rule.outcome === 'fail' ? 'past' : 'near'} ${rule.comparator} ${rule.threshold}`).join(', ')
    : 'every rule passed';
  return { decision: gate.decision.decision, why, pullRequest: modelPr, mergedBefore, mergedAfter: await deps.reader.resolveCommit('main') };
}

async function sync(dir: string): Promise<void> {
  await fetchRemote(dir);
  await pullFastForward(dir, 'main');
}

/** What the rollout state says, and what the uploads sent through `cairn serve` met under it. */
async function serving(ctx: DemoPromotionContext): Promise<string> {
  const state = summarizeRollout(await readRolloutState(ctx.deps.reader, 'main', DEMO_MODEL));
  return ctx.traffic ? `${state}\n    served: ${formatTraffic(await ctx.traffic.send())}` : state;
}
