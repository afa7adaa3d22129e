import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { buildArtifact, encodeArtifact } from '../../src/artifacts/codec.js';
import { paths } from '../../src/artifacts/layout.js';
import type { GateDecisionV2 } from '../../src/artifacts/schemas/promotion.js';
import { runCli } from '../../src/cli/main.js';
import { GitHubForge } from '../../src/forge/github-forge.js';
import { LocalForge } from '../../src/forge/local-forge.js';
import type { Forge } from '../../src/forge/port.js';
import { buildGateComment, GATE_COMMENT_MARKER } from '../../src/gate/gate-comment.js';
import { measurementsOf } from '../../src/gate/gate-measurements.js';
import { runGate } from '../../src/gate/run-gate.js';
import { runGateCheck } from '../../src/gate/run-gate-check.js';
import { runDemo, type DemoReport } from '../../src/lifecycle/run-demo.js';
import { codeCommitFromEnv } from '../../src/registry/code-commit.js';
import { runCalibrate } from '../../src/registry/run-calibrate.js';
import { runTrainStage } from '../../src/registry/run-train-stage.js';
import { datasetImageReader, type ItemImageReader } from '../../src/registry/training-data.js';
import type { FileWrite } from '../../src/store/commit-files.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { datasetFiles, modelVersionFiles, ref, rolloutFile, taxonomyFile } from '../helpers/builders.js';
import { headOf, statusOf, tempDir } from '../helpers/git.js';
import { FakeGitHub } from '../forge/github-server.js';
import { loopbackOnly, rejection, TOKENS } from '../forge/github-harness.js';

// The demo lifecycle up to a merged model (what `npm start` runs, on 300 images), then the gate:
// the first model, a degraded candidate, a borderline one and a production on another taxonomy.
let root: string;
let cleanup: () => Promise<void>;
let demo: DemoReport;
let images: string;
let readImage: ItemImageReader;
/** main once 1.0.0 is gated, before anything is in production. */
let firstGated: string;
const now = () => new Date('2026-12-01T12:00:00.000Z');
const shippedGating = readFileSync(new URL('../../thresholds/gating.yaml', import.meta.url), 'utf8');
/** A team's thresholds that a small demo model meets: the gate's outcome then turns on regressions. */
const lenient = shippedGating.replace('min_macro_f1: 0.85', 'min_macro_f1: 0.30').replace('min_class_f1: 0.70', 'min_class_f1: 0.05').replace('min_ap50: 0.50', 'min_ap50: 0.05').replace('max_bias_delta: 0.10', 'max_bias_delta: 0.60').replace('max_ece: 0.10', 'max_ece: 0.60');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['-C', demo.dir, ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

/** Commits files on `branch` (main, pushed to origin, unless another branch is named). */
async function commit(subject: string, files: FileWrite[], branch?: string): Promise<string> {
  const result = await commitStage({
    dir: demo.dir,
    stage: 'edit',
    runId: 'test',
    ...(branch ? { branch, startPoint: 'main' } : { push: { remote: 'origin' } }),
    plan: () => ({ subject, files }),
  });
  return result.commit!;
}

async function readGate(ref: string, version: string): Promise<GateDecisionV2> {
  return (await new RepoReader(demo.dir).loadArtifact('GateDecision', ref, paths.modelFile('shapes', version, 'gate.json'))) as GateDecisionV2;
}

async function recordedMetrics(version: string) {
  return new RepoReader(demo.dir).loadArtifact('TrainingMetrics', 'main', paths.modelFile('shapes', version, 'metrics.json'));
}

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  demo = await runDemo({ workDir: root, count: 300, seed: 11, now, through: 'model' });
  images = join(root, 'label-studio', 'images');
  const reader = new RepoReader(demo.dir);
  readImage = datasetImageReader(await reader.loadArtifact('DatasetConfig', 'HEAD', paths.datasetConfig('shapes')), { localRoot: images });
  await commit('lenient gating thresholds', [{ path: 'thresholds/gating.yaml', content: lenient }]);
}, 300_000);
afterAll(() => cleanup());

describe('cairn gate', () => {
  it('approves the first model on absolute thresholds alone and records every rule beside it', async () => {
    const result = await cli('gate', 'shapes', '1.0.0', '--images', images, '--push', 'origin', '--quiet');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^shapes 1\.0\.0: approve \(approved: may roll out\)\nno production model: judged on absolute thresholds alone; test split shapes v0002 \(\d+ items\)/);
    expect(result.out).toMatch(/\nrule +metric +value +threshold +outcome +note\nmin_macro_f1 +macro_f1 +0\.\d{4} +>= 0\.3 +pass/);

    const gate = await readGate('HEAD', '1.0.0');
    const metrics = await recordedMetrics('1.0.0');
    const manifest = await new RepoReader(demo.dir).loadArtifact('ModelArtifact', 'HEAD', paths.modelManifest('shapes', '1.0.0'));
    expect(gate).toMatchObject({
      decision: 'approve',
      baseline: null,
      candidate: { measurements: measurementsOf(metrics) },
      test_split: { dataset: 'shapes', dataset_version: 'v0002', manifest: manifest.dataset.manifest, items: metrics.dataset.items },
      thresholds: { path: 'thresholds/gating.yaml', sha256: sha256Hex(lenient) },
    });
    expect(await headOf(demo.remote, 'refs/heads/main')).toBe(await headOf(demo.dir));
    expect(gate.rules.filter((r) => r.rule.startsWith('max_regression')).map((r) => r.outcome)).toEqual(['skipped', 'skipped']);
    expect(gate.rules.filter((r) => r.rule === 'min_class_f1').map((r) => r.metric).sort()).toEqual(manifest.classes.map((c) => `class_f1:${c}`).sort());
    expect((await runVerify({ reader: new RepoReader(demo.dir) })).violations).toEqual([]);
  });

  it('writes nothing when the same decision is already recorded', async () => {
    const head = await headOf(demo.dir);
    const result = await cli('gate', 'shapes', '1.0.0', '--images', images, '--push', 'origin', '--json');
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ outcome: 'unchanged', commit: null, decision: { decision: 'approve' } });
    expect(await headOf(demo.dir)).toBe(head);
    firstGated = head!;
  });

  it('refuses a different decision for a version already decided, naming both, and writes nothing', async () => {
    await commit('strict thresholds', [{ path: 'thresholds/gating.yaml', content: lenient.replace('min_macro_f1: 0.30', 'min_macro_f1: 0.99') }], 'strict');
    const head = await headOf(demo.dir);
    const result = await cli('gate', 'shapes', '1.0.0', '--images', images, '--base', 'strict', '--quiet');
    expect(result.code).toBe(1);
    expect(result.err).toContain('registry/shapes/1.0.0/gate.json already records approve; gating again now gives reject');
    expect(result.err).toContain('[E_WRITE_ONCE]');
    expect(await headOf(demo.dir)).toBe(head);
    expect(await statusOf(demo.dir)).toBe('');
  });
});

describe('the gate check of a model pull request', () => {
  it('rejects a degraded candidate against production, measured again on the same test items (local forge)', async () => {
    const reader = new RepoReader(demo.dir);
    const gateOf100 = await reader.readFile('HEAD', paths.modelFile('shapes', '1.0.0', 'gate.json'));
    const manifestOf100 = await reader.readFile('HEAD', paths.modelManifest('shapes', '1.0.0'));
    const config = await reader.loadArtifact('ModelConfig', 'HEAD', paths.modelConfig('shapes'));
    const degraded = buildArtifact('ModelConfig', {
      ...config,
      trainer: { kind: 'builtin', config: { minSteps: 1, classHead: { epochs: 1, learningRate: 1e-6 }, objectness: { epochs: 1 }, regionClasses: { epochs: 1 }, boxes: { epochs: 1 } } },
    } as Parameters<typeof buildArtifact<'ModelConfig'>>[1]);
    await commit('production 1.0.0, and a degraded trainer config', [
      rolloutFile('shapes', {
        production: { model_version: '1.0.0', manifest: { path: paths.modelManifest('shapes', '1.0.0'), sha256: sha256Hex(manifestOf100!) }, gate: { path: paths.modelFile('shapes', '1.0.0', 'gate.json'), sha256: sha256Hex(gateOf100!) } },
        candidate: null,
        action: 'promote',
      }),
      { path: paths.modelConfig('shapes'), content: encodeArtifact('ModelConfig', degraded, paths.modelConfig('shapes')) },
    ]);
    const mainBefore = await headOf(demo.dir, 'main');
    const forge = new LocalForge({ dir: demo.remote, user: 'cairn-bot', now });
    const { pullRequest } = await runTrainStage({ forge, remote: 'origin' }, { dir: demo.dir, reader, model: 'shapes', base: 'origin/main', readImage, runId: 'test', now, codeCommit: await codeCommitFromEnv() });
    expect(pullRequest?.head).toBe('cairn/train/shapes/1.1.0');

    const deps = { dir: demo.dir, reader, forge, remote: 'origin', imageReader: async () => readImage };
    const { gate } = await runGateCheck(deps, { pullRequest: pullRequest!.number, baseRef: 'origin/main', runId: 'test', now });
    expect(gate).toMatchObject({ outcome: 'written', decision: { decision: 'reject', baseline: { model_version: '1.0.0', comparable: true } } });
    // Production measured again on the candidate's test split with its own calibration: the same
    // split it was trained with, so exactly the numbers it recorded.
    expect(gate.decision.baseline!.measurements).toEqual(measurementsOf(await recordedMetrics('1.0.0')));
    expect(gate.decision.rules.find((r) => r.metric === 'macro_f1_drop')).toMatchObject({ outcome: 'fail', threshold: 0.02 });
    expect(await headOf(demo.remote, 'refs/heads/cairn/train/shapes/1.1.0')).toBe(gate.commit);
    expect(await readGate(gate.commit!, '1.1.0')).toEqual(gate.decision);
    expect(await headOf(demo.dir, 'main')).toBe(mainBefore);
    expect(await forge.getStatuses(gate.commit!)).toEqual([{ context: 'cairn/gate', state: 'success', description: 'rejected: recorded, will not roll out', sha: gate.commit }]);

    // The next push runs the check again: nothing to write, the one comment edited in place.
    const again = await runGateCheck(deps, { pullRequest: pullRequest!.number, baseRef: 'origin/main', runId: 'test-2', now });
    expect(again.gate).toMatchObject({ outcome: 'unchanged', commit: null, head: gate.commit });
    const comments = (await forge.listComments(pullRequest!.number)).filter((c) => c.body.includes(GATE_COMMENT_MARKER));
    expect(comments.map((c) => c.body)).toEqual([buildGateComment(gate.decision)]);
    expect(comments[0]!.body).toContain('### Gate: shapes 1.1.0 — **reject**');

    // Judged again by other thresholds and no production (branch `strict`): the recorded decision
    // stands, the check fails naming both, and nothing is pushed.
    const refused = await rejection(runGateCheck(deps, { pullRequest: pullRequest!.number, baseRef: 'strict', runId: 'test-3', now }));
    expect(refused).toMatchObject({ code: 'E_WRITE_ONCE', data: { file: 'registry/shapes/1.1.0/gate.json', recorded: 'reject', now: 'reject' } });
    expect(await headOf(demo.remote, 'refs/heads/cairn/train/shapes/1.1.0')).toBe(gate.commit);
    expect((await forge.getStatuses(gate.commit!)).find((s) => s.context === 'cairn/gate')).toEqual({ context: 'cairn/gate', state: 'failure', description: 'gate.json records reject; the gate now gives reject by other rules: close and retrain', sha: gate.commit });
  }, 180_000);

  it('sends a borderline candidate to manual review, and says so on GitHub', async () => {
    const calibrated = await runCalibrate({ dir: demo.dir, reader: new RepoReader(demo.dir), model: 'shapes', from: '1.0.0', base: 'main', branch: 'cairn/train/shapes/1.0.1', readImage, runId: 'test', now, codeCommit: await codeCommitFromEnv() });
    const macro = (await new RepoReader(demo.dir).loadArtifact('TrainingMetrics', calibrated.commit, paths.modelFile('shapes', '1.0.1', 'metrics.json'))).classification.macro_f1;
    // Just short of the minimum, within the review margin (0.02).
    await commit('borderline minimum', [{ path: 'thresholds/gating.yaml', content: lenient.replace('min_macro_f1: 0.30', `min_macro_f1: ${(macro + 0.01).toFixed(4)}`) }]);

    const github = await FakeGitHub.start({ owner: 'acme', repo: 'models', tokens: TOKENS, bots: ['cairn-bot'], branches: { main: (await headOf(demo.dir, 'main'))!, 'cairn/train/shapes/1.0.1': calibrated.commit }, now });
    try {
      const forge = new GitHubForge({ token: 'bot-token', owner: 'acme', repo: 'models', baseUrl: github.url, fetch: loopbackOnly });
      const pr = await forge.openPullRequest({ head: 'cairn/train/shapes/1.0.1', base: 'main', title: 'Model shapes 1.0.1', body: '' });
      github.requests.splice(0);
      // GitHub learns of the decision's commit as the push reaches it (here the commit stays local).
      const pushing: Forge = Object.assign(Object.create(forge) as Forge, {
        setStatus: (status: Parameters<Forge['setStatus']>[0]) => (github.push('cairn/train/shapes/1.0.1', status.sha), forge.setStatus(status)),
      });
      const { gate } = await runGateCheck({ dir: demo.dir, reader: new RepoReader(demo.dir), forge: pushing, imageReader: async () => readImage }, { pullRequest: pr.number, baseRef: 'main', runId: 'test', now });

      expect(gate.decision.decision).toBe('require_manual_review');
      expect(gate.decision.rules.find((r) => r.rule === 'min_macro_f1')).toMatchObject({ outcome: 'review', note: 'within the review margin of 0.02' });
      expect(gate.decision.rules.find((r) => r.metric === 'macro_f1_drop')).toMatchObject({ outcome: 'pass', value: 0 });
      const writes = github.requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.path, r.body]);
      expect(writes).toEqual([
        ['POST', `/repos/acme/models/issues/${pr.number}/comments`, { body: buildGateComment(gate.decision) }],
        ['POST', `/repos/acme/models/statuses/${gate.commit}`, { state: 'success', context: 'cairn/gate', description: 'manual review: a review will be required on the promotion PR' }],
      ]);
    } finally {
      await github.close();
      expect(github.violations).toEqual([]);
    }
  }, 120_000);

  it('approves the first model on a pull request over GitHub, its decision already recorded: comment and status only', async () => {
    const github = await FakeGitHub.start({ owner: 'acme', repo: 'models', tokens: TOKENS, bots: ['cairn-bot'], branches: { main: firstGated, 'cairn/train/shapes/1.0.0': firstGated }, now });
    try {
      const forge = new GitHubForge({ token: 'bot-token', owner: 'acme', repo: 'models', baseUrl: github.url, fetch: loopbackOnly });
      const pr = await forge.openPullRequest({ head: 'cairn/train/shapes/1.0.0', base: 'main', title: 'Model shapes 1.0.0', body: '' });
      const deps = { dir: demo.dir, reader: new RepoReader(demo.dir), forge, imageReader: async () => readImage };
      // The demo's local model branch is older than the pull request's head (main's commit here):
      // without a remote the decision would land on a stale branch, so the check refuses.
      const stale = await headOf(demo.dir, 'refs/heads/cairn/train/shapes/1.0.0');
      expect(await rejection(runGateCheck(deps, { pullRequest: pr.number, baseRef: firstGated, runId: 'test', now }))).toMatchObject({ code: 'E_USAGE' });
      expect(await headOf(demo.dir, 'refs/heads/cairn/train/shapes/1.0.0')).toBe(stale);
      await new GitCli(demo.dir).run(['branch', '-D', 'cairn/train/shapes/1.0.0']);
      github.requests.splice(0);
      const { gate } = await runGateCheck(deps, { pullRequest: pr.number, baseRef: firstGated, runId: 'test', now });

      expect(gate).toMatchObject({ outcome: 'unchanged', commit: null, head: firstGated, decision: { decision: 'approve', baseline: null } });
      const writes = github.requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.path, r.body]);
      expect(writes).toEqual([
        ['POST', `/repos/acme/models/issues/${pr.number}/comments`, { body: buildGateComment(gate.decision) }],
        ['POST', `/repos/acme/models/statuses/${firstGated}`, { state: 'success', context: 'cairn/gate', description: 'approved: may roll out' }],
      ]);
    } finally {
      await github.close();
      expect(github.violations).toEqual([]);
    }
  });

  it('asks for a review when production has another taxonomy, and a dry run writes nothing', async () => {
    const taxonomy = taxonomyFile('taxonomy_v0', ['circle', 'square']);
    const dataset = datasetFiles('legacy', 'v0001', taxonomy);
    const old = modelVersionFiles('shapes', '0.9.0', { taxonomy, datasetManifest: dataset[0]! });
    await commit('production on an older taxonomy', [
      { path: 'thresholds/gating.yaml', content: lenient },
      taxonomy,
      ...dataset,
      ...old,
      rolloutFile('shapes', { production: { model_version: '0.9.0', manifest: ref(old[0]!) }, candidate: null, action: 'promote' }),
    ], 'older-taxonomy');
    const head = await headOf(demo.dir);
    let imagesRead = 0;
    const counting: ItemImageReader = (item) => (imagesRead++, readImage(item));
    const result = await runGate({ dir: demo.dir, reader: new RepoReader(demo.dir), readImage: counting }, { model: 'shapes', version: '1.0.1', ref: 'cairn/train/shapes/1.0.1', baseRef: 'older-taxonomy', dryRun: true, runId: 'test', now });

    expect(result).toMatchObject({ outcome: 'planned', commit: null, decision: { decision: 'require_manual_review', baseline: { model_version: '0.9.0', comparable: false } } });
    expect(result.decision.rules.filter((r) => r.outcome !== 'pass')).toEqual([
      { rule: 'comparable_baseline', metric: 'taxonomy', value: null, threshold: null, comparator: '>=', outcome: 'review', note: 'production 0.9.0 has another taxonomy: its classes cannot be compared one by one' },
    ]);
    expect(imagesRead).toBe(0);
    expect(await headOf(demo.dir)).toBe(head);
    expect(await statusOf(demo.dir)).toBe('');
  });
});
