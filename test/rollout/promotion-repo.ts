import { join } from 'node:path';
import type { ArtifactOf } from '../../src/artifacts/kinds.js';
import { LocalForge } from '../../src/forge/local-forge.js';
import { readPackagedThresholds } from '../../src/init/run-init.js';
import type { RolloutDeps } from '../../src/rollout/run-rollout.js';
import type { FileWrite } from '../../src/store/commit-files.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { datasetFiles, gateFile, modelVersionFiles, taxonomyFile } from '../helpers/builders.js';
import { headOf, initRepo, tempDir } from '../helpers/git.js';

export const BOT = 'cairn[bot]';

/** A clock that moves one minute per reading, from 2026-12-01T10:00Z. */
export function minuteClock(): () => Date {
  let minute = 0;
  return () => new Date(Date.UTC(2026, 11, 1, 10, minute++));
}

/**
 * A model repository on `main` with the packaged thresholds (stages 5 → 25 → 100), a taxonomy and
 * a dataset, and forges acting as different people over the same pull requests.
 */
export async function createPromotionRepo() {
  const { path: root, cleanup } = await tempDir('cairn-rollout-');
  const dir = join(root, 'repo');
  await initRepo(dir);
  const taxonomy = taxonomyFile();
  const dataset = datasetFiles('demo', 'ds-1', taxonomy);
  const thresholds = await readPackagedThresholds();
  const gating = thresholds.find((file) => file.path === 'thresholds/gating.yaml')!;
  await commitStage({ dir, stage: 'seed', runId: 'seed', plan: () => ({ subject: 'seed', files: [taxonomy, ...dataset, ...thresholds] }) });
  const now = minuteClock();
  const forgeAs = (user: string) => new LocalForge({ dir, now, user });
  const reader = new RepoReader(dir);
  const deps: RolloutDeps = { dir, reader, forge: forgeAs(BOT) };

  /** A model pull request (weights, metrics, gate decision) merged into main, as `cairn train` and `cairn gate` would leave it. */
  async function mergeModel(model: string, version: string, decision: ArtifactOf<'GateDecision'>['decision']): Promise<{ before: string; after: string }> {
    const files = modelVersionFiles(model, version, { taxonomy, datasetManifest: dataset[0]! });
    const gate = gateFile(model, version, { manifest: files[0]!, metrics: files[2]!, thresholds: gating, datasetManifest: dataset[0]! }, decision);
    return mergeFiles(`cairn/train/${model}/${version}`, `Model ${model} ${version}`, [...files, gate]);
  }

  async function mergeFiles(branch: string, title: string, files: FileWrite[]): Promise<{ before: string; after: string }> {
    const before = (await headOf(dir, 'main'))!;
    await commitStage({ dir, stage: 'train', runId: 'train', branch, startPoint: 'main', plan: () => ({ subject: title, files }) });
    const forge = forgeAs('alice');
    const pr = await forge.openPullRequest({ head: branch, base: 'main', title, body: '' });
    await forge.mergePullRequest(pr.number);
    return { before, after: (await headOf(dir, 'main'))! };
  }

  return { root, dir, reader, deps, now, forgeAs, mergeModel, mergeFiles, cleanup };
}

export type PromotionRepo = Awaited<ReturnType<typeof createPromotionRepo>>;
