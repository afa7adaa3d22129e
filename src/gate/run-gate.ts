import { formatJsonFile } from '../artifacts/canonical-json.js';
import { paths } from '../artifacts/layout.js';
import type { GateDecisionV2 } from '../artifacts/schemas/promotion.js';
import { InputError, WriteOnceError } from '../errors.js';
import type { EvaluationProgress } from '../registry/evaluate-version.js';
import type { ItemImageReader } from '../registry/training-data.js';
import { readGatingThresholds, readRolloutState } from '../rollout/read-rollout-state.js';
import type { RepoReader } from '../store/repo-reader.js';
import { commitStage, type CommitStageOptions } from '../store/stage-writer.js';
import { buildGateDecision, sameGateDecision } from './build-gate-decision.js';
import { measureBaseline } from './measure-baseline.js';
import { readGateCandidate } from './read-gate-candidate.js';

export interface GateDeps {
  dir: string;
  reader: RepoReader;
  readImage: ItemImageReader;
}

export interface GateOptions {
  model: string;
  version: string;
  /** Where the candidate, its metrics and its dataset are read. */
  ref: string;
  /**
   * Where production (`rollout.json`) and `thresholds/gating.yaml` are read; defaults to `ref`.
   * The gate check passes the pull request's base: what is served now, and the thresholds in force.
   */
  baseRef?: string;
  /** Commit on this branch (default: the checked-out one); it must hold the candidate as read at `ref`. */
  branch?: string;
  startPoint?: string;
  push?: CommitStageOptions['push'];
  /** Decide and print, write nothing. */
  dryRun?: boolean;
  runId: string;
  now: () => Date;
  onProgress?: (progress: EvaluationProgress) => void;
}

export interface GateResult {
  decision: GateDecisionV2;
  path: string;
  /** `written`: committed now; `unchanged`: the same decision was already recorded; `planned`: a dry run. */
  outcome: 'written' | 'unchanged' | 'planned';
  /** The new commit, or null when nothing was written. */
  commit: string | null;
  /** The commit whose tree holds the decision (null for a dry run that found none). */
  head: string | null;
  branch: string | null;
}

/**
 * `cairn gate`: the candidate against production on the candidate's frozen test split, rule by
 * rule, committed as `registry/<model>/<version>/gate.json`. The candidate's metrics are the ones
 * cairn recorded when it trained; production is run again on the same items. A decision is written
 * once: gating again with the same result writes nothing, and a different result (other thresholds,
 * another production) is refused, naming both, since the recorded decision is what verify and the
 * rollout rely on. Every failure leaves history and work tree as they were.
 */
export async function runGate(deps: GateDeps, options: GateOptions): Promise<GateResult> {
  const { reader, readImage } = deps;
  const ref = await reader.resolveCommit(options.ref);
  const baseRef = options.baseRef === undefined ? ref : await reader.resolveCommit(options.baseRef);
  const candidate = await readGateCandidate(reader, ref, options.model, options.version);
  const { thresholds, fileRef } = await readGatingThresholds(reader, baseRef);
  const production = (await readRolloutState(reader, baseRef, options.model))?.production ?? null;
  const baseline = production
    ? await measureBaseline({ reader, ref: baseRef, production, candidate, readImage, ...(options.onProgress ? { onProgress: options.onProgress } : {}) })
    : null;
  const decision = buildGateDecision({ candidate, baseline, thresholds, thresholdsRef: fileRef }, options.now());
  const path = paths.modelFile(options.model, options.version, 'gate.json');

  if (options.dryRun) {
    const recorded = await reader.readArtifact('GateDecision', ref, path);
    return { decision, path, outcome: recorded && sameGateDecision(recorded, decision) ? 'unchanged' : 'planned', commit: null, head: recorded ? ref : null, branch: null };
  }
  const committed = await commitStage({
    dir: deps.dir,
    stage: 'gate',
    runId: options.runId,
    branch: options.branch,
    startPoint: options.startPoint,
    push: options.push,
    plan: async ({ parent }) => {
      const here = parent ? await reader.blobId(parent, candidate.manifestRef.path) : null;
      if (!parent || here === null || here !== (await reader.blobId(ref, candidate.manifestRef.path))) {
        throw new InputError(`the branch to commit on does not hold ${candidate.manifestRef.path} as it is at ${options.ref}`, { file: candidate.manifestRef.path, rule: 'candidate-on-branch' });
      }
      const recorded = await reader.readArtifact('GateDecision', parent, path);
      if (recorded && sameGateDecision(recorded, decision)) return { subject: `cairn: gate ${options.model} ${options.version}: already decided`, files: [], value: { parent } };
      if (recorded) {
        throw new WriteOnceError(
          `${path} already records ${recorded.decision}${recorded.schema === 'GateDecision/v1' ? ' (format 1)' : ''}; gating again now gives ${decision.decision}${recorded.decision === decision.decision ? ' by other rules, thresholds or baseline' : ''}: a recorded decision is never rewritten (the threshold plan shows what other thresholds would decide)`,
          { file: path, rule: 'write-once', recorded: recorded.decision, now: decision.decision },
        );
      }
      return {
        subject: `cairn: gate ${options.model} ${options.version}: ${decision.decision}`,
        body: baseline ? `Compared with production ${baseline.model_version}${baseline.comparable ? '' : ' (another taxonomy: not comparable)'}.` : 'No production model: judged on absolute thresholds alone.',
        files: [{ path, content: formatJsonFile(decision) }],
        value: { parent },
      };
    },
  });
  const head = committed.commit ?? committed.value.parent;
  return { decision, path, outcome: committed.commit ? 'written' : 'unchanged', commit: committed.commit, head, branch: committed.branch };
}
