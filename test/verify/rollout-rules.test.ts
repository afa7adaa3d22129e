import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/artifacts/layout.js';
import { readPackagedThresholds } from '../../src/init/run-init.js';
import type { FileWrite } from '../../src/store/commit-files.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { datasetFiles, gateFile, modelVersionFiles, ref, rolloutFile, taxonomyFile } from '../helpers/builders.js';
import { initRepo, tempDir } from '../helpers/git.js';

const FILE = paths.rollout('shapes');
const taxonomy = taxonomyFile();
const dataset = datasetFiles('demo', 'ds-1', taxonomy);
let dir: string;
let cleanup: () => Promise<void>;
let reader: RepoReader;
const versions: Record<string, { manifest: FileWrite; gate: FileWrite }> = {};

type Candidate = Parameters<typeof rolloutFile>[1]['candidate'];
const candidate = (version: string, percent: number, extra: Partial<NonNullable<Candidate>> = {}): Candidate => ({
  model_version: version,
  manifest: ref(versions[version]!.manifest),
  gate: ref(versions[version]!.gate),
  percent,
  approval: null,
  ...extra,
});
const production = (version: string) => ({ model_version: version, manifest: ref(versions[version]!.manifest), gate: ref(versions[version]!.gate) });
let branches = 0;

/** The rules verify names for `state` committed on a branch of main; with `base`, judged against main. */
async function rules(state: Parameters<typeof rolloutFile>[1], base = true): Promise<string[]> {
  const branch = `edit-${++branches}`;
  await commitStage({ dir, stage: 'hand', runId: 'h', branch, startPoint: 'main', plan: () => ({ subject: 'hand edit', files: [rolloutFile('shapes', state)] }) });
  const result = await runVerify({ reader, ref: branch, ...(base ? { base: 'main' } : {}) });
  return result.violations.filter((v) => v.file === FILE).map((v) => v.rule);
}

beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await initRepo(dir);
  reader = new RepoReader(dir);
  const thresholds = await readPackagedThresholds();
  const gating = thresholds.find((file) => file.path === 'thresholds/gating.yaml')!;
  const files: FileWrite[] = [taxonomy, ...dataset, ...thresholds];
  for (const [version, decision] of [['1.0.0', 'approve'], ['1.1.0', 'require_manual_review'], ['1.2.0', 'reject'], ['1.3.0', 'approve']] as const) {
    const model = modelVersionFiles('shapes', version, { taxonomy, datasetManifest: dataset[0]! });
    const gate = gateFile('shapes', version, { manifest: model[0]!, metrics: model[2]!, thresholds: gating, datasetManifest: dataset[0]! }, decision);
    versions[version] = { manifest: model[0]!, gate };
    files.push(...model, gate);
  }
  files.push(rolloutFile('shapes', { production: production('1.0.0'), candidate: candidate('1.3.0', 25) }));
  await commitStage({ dir, stage: 'seed', runId: 's', plan: () => ({ subject: 'seed', files }) });
});
afterAll(() => cleanup());

describe('verify on a hand-edited rollout.json', () => {
  it('accepts a proper change: the candidate one stage further', async () => {
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.3.0', 100) })).toEqual([]);
  });

  it('refuses a percent that is not one of the candidate stages', async () => {
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.3.0', 50) }, false)).toEqual(['rollout-percent']);
  });

  it('refuses stages that do not increase or do not end at 100', async () => {
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.0.0', 5, { stages: [5, 25, 50] }) }, false)).toEqual(['rollout-stages']);
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.0.0', 25, { stages: [25, 5, 100] }) }, false)).toEqual(['rollout-stages']);
  });

  it('refuses a candidate or a production without an approve decision or a recorded approval', async () => {
    expect(await rules({ candidate: candidate('1.1.0', 5) }, false)).toEqual(['promotion']);
    expect(await rules({ production: production('1.1.0') }, false)).toEqual(['promotion']);
    const approval = { by: 'bob', at: '2026-12-01T10:00:00.000Z', pull_request: 3, commit: 'c'.repeat(40) };
    expect(await rules({ candidate: candidate('1.1.0', 5, { approval }) }, false)).toEqual([]);
  });

  it('refuses a rejected version in any serving role, approval or not', async () => {
    const approval = { by: 'bob', at: '2026-12-01T10:00:00.000Z', pull_request: 3, commit: 'c'.repeat(40) };
    expect(await rules({ candidate: candidate('1.2.0', 5, { approval }) }, false)).toEqual(['promotion']);
    expect(await rules({ production: production('1.2.0') }, false)).toEqual(['promotion']);
    expect(await rules({ production: production('1.0.0'), pinned: '1.2.0' }, false)).toEqual(['promotion']);
  });

  it('with --base, refuses a candidate that jumps over a stage or whose stages change during its rollout', async () => {
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.3.0', 25, { stages: [0, 25, 100] }) })).toEqual(['rollout-stages']);
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.3.0', 25, { stages: [5, 25, 50, 100] }) })).toEqual(['rollout-stages']);
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.0.0', 100) })).toEqual(['skipped-stage']);
  });

  it('with --base, refuses a production that was not the candidate at its last stage', async () => {
    expect(await rules({ production: production('1.3.0') })).toEqual(['never-candidate']);
  });

  it('with --base, accepts the same state when its bytes are a version of rollout.json main once committed (a revert)', async () => {
    const seed = rolloutFile('shapes', { production: production('1.0.0'), candidate: candidate('1.3.0', 25) });
    await commitStage({ dir, stage: 'hand', runId: 'h', branch: 'main', plan: () => ({ subject: 'promote', files: [rolloutFile('shapes', { production: production('1.3.0'), reason: 'x' })] }) });
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.3.0', 25) })).toEqual([]);
    expect(rolloutFile('shapes', { production: production('1.0.0'), candidate: candidate('1.3.0', 25) }).content).toBe(seed.content);
    expect(await rules({ production: production('1.0.0'), candidate: candidate('1.3.0', 25), reason: 'not a revert' })).toEqual(['skipped-stage', 'never-candidate']);
  });
});
