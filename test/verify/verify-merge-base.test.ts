import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/errors.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import type { FileWrite } from '../../src/store/commit-files.js';
import { datasetFiles, gateFile, gatingThresholdsFile, modelVersionFiles, taxonomyFile } from '../helpers/builders.js';
import { initRepo, tempDir } from '../helpers/git.js';
import { rejection } from '../helpers/rejection.js';

let dir: string;
let cli: GitCli;
let cleanup: () => Promise<void>;
const taxonomy = taxonomyFile();
const dataset = datasetFiles('demo', 'ds-1', taxonomy);
const laterDataset = datasetFiles('demo', 'ds-2', taxonomy);
const model = modelVersionFiles('shapes', '1.0.0', { taxonomy, datasetManifest: dataset[0]! });

beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  cli = await initRepo(dir);
  await stage('main', [taxonomy, ...dataset, gatingThresholdsFile()]);
});
afterEach(() => cleanup());

function stage(branch: string, files: FileWrite[], startPoint?: string) {
  return commitStage({ dir, stage: 'test', runId: 'r', branch, startPoint, plan: () => ({ subject: `test on ${branch}`, files }) });
}

function verify(ref: string, base: string) {
  return runVerify({ reader: new RepoReader(dir), ref, base });
}

describe('verify --base measures a branch against its merge base', () => {
  it('does not report what the base gained after the fork as deleted by a branch that is behind', async () => {
    await stage('feature', model, 'main');
    await stage('main', laterDataset);
    const forkPoint = await cli.revParse('feature~1');

    const result = await verify('feature', 'main');

    expect(result.violations).toEqual([]);
    expect(result.baseCommit).toBe(forkPoint);
    expect(result.checkedFiles).toBe(model.length);
  });

  it('still refuses a branch that deletes an artifact it forked with, on a base that moved on', async () => {
    await cli.run(['checkout', '--quiet', '-b', 'feature']);
    await cli.run(['rm', '--quiet', dataset[1]!.path]);
    await cli.run(['commit', '--quiet', '-m', 'drop the items']);
    await cli.run(['checkout', '--quiet', 'main']);
    await stage('main', laterDataset);

    const result = await verify('feature', 'main');

    expect(result.violations).toContainEqual(expect.objectContaining({ file: dataset[1]!.path, rule: 'write-once' }));
    expect(result.violations.filter((v) => v.rule === 'write-once')).toHaveLength(1);
  });

  it('compares a branch that is up to date with its base against the base tip', async () => {
    await stage('feature', model, 'main');
    const result = await verify('feature', 'main');
    expect(result.baseCommit).toBe(await cli.revParse('main'));
    expect(result.violations).toEqual([]);
  });

  it('names a base that shares no history with the branch', async () => {
    await cli.run(['checkout', '--quiet', '--orphan', 'unrelated']);
    await cli.run(['rm', '-r', '--quiet', '--cached', '.']);
    await cli.run(['commit', '--quiet', '--allow-empty', '-m', 'unrelated root']);

    const error = await rejection(verify('unrelated', 'main'));

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/--base main shares no history/);
  });
});

describe('a recorded decision outlives a change of the thresholds that made it', () => {
  it('keeps gate.json valid after thresholds/gating.yaml changes, as validation reports stay valid', async () => {
    const thresholds = gatingThresholdsFile();
    const gate = gateFile('shapes', '1.0.0', { manifest: model[0]!, metrics: model[2]!, thresholds, datasetManifest: dataset[0]! }, 'approve');
    await stage('main', [...model, gate]);
    await stage('main', [{ path: thresholds.path, content: (thresholds.content as string).replace('min_macro_f1: 0.85', 'min_macro_f1: 0.9') }]);

    const result = await runVerify({ reader: new RepoReader(dir) });

    expect(result.violations).toEqual([]);
  });
});
