import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatJsonFile, sha256Hex } from '../../src/artifacts/canonical-json.js';
import { buildArtifact, encodeArtifact } from '../../src/artifacts/codec.js';
import { paths } from '../../src/artifacts/layout.js';
import type { ValidationThresholds } from '../../src/artifacts/schemas/thresholds.js';
import { runCli } from '../../src/cli/main.js';
import { assertTrainable } from '../../src/dataset/assert-trainable.js';
import { exportFileSource } from '../../src/dataset/label-studio-source.js';
import { runIngest } from '../../src/dataset/run-ingest.js';
import { runValidate } from '../../src/dataset/run-validate.js';
import { PolicyError } from '../../src/errors.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { headOf, tempDir } from '../helpers/git.js';
import { CELLS_EXPORT as FIXTURE, CELLS_NOW as NOW, initCellsRepo } from '../helpers/cells-repo.js';
import { rejection } from '../helpers/rejection.js';

const THRESHOLDS = paths.thresholds('validation');

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  let root: string;
  ({ path: root, cleanup } = await tempDir());
  dir = join(root, 'repo');
  await initCellsRepo(dir);
  await runIngest({ dir, reader: new RepoReader(dir), dataset: 'cells', source: exportFileSource(FIXTURE), fetchImage: null, runId: 't', now: NOW });
});
afterEach(() => cleanup());

const validate = (extra: Partial<Parameters<typeof runValidate>[0]> = {}) => runValidate({ dir, reader: new RepoReader(dir), dataset: 'cells', runId: 't', now: NOW, ...extra });

/** Commits thresholds/validation.yaml with `changes` over what is there, as a reviewed pull request would. */
async function changeThresholds(changes: Partial<ValidationThresholds>): Promise<string> {
  const current = parseYaml(await readFile(join(dir, THRESHOLDS), 'utf8')) as ValidationThresholds;
  const content = encodeArtifact('ValidationThresholds', { ...current, ...changes }, THRESHOLDS);
  await commitStage({ dir, stage: 'edit', runId: 't', plan: () => ({ subject: 'loosen thresholds', files: [{ path: THRESHOLDS, content }] }) });
  return sha256Hex(content);
}

/** Thresholds the two-task fixture passes: no minimum count, no age limit, its two missing images allowed. */
const LENIENT: Partial<ValidationThresholds> = { min_samples_per_class: 0, freshness: { warn_after_days: 100_000, error_after_days: 100_000 }, max_missing_images: 2 };

describe('validation reports keyed by their thresholds', () => {
  it('writes validation/<12 hex of the thresholds sha256>.json, and nothing the second time', async () => {
    const thresholdsSha = sha256Hex((await new RepoReader(dir).readFile('HEAD', THRESHOLDS))!);
    const first = await validate();
    expect(first.path).toBe(`datasets/cells/v0001/validation/${thresholdsSha.slice(0, 12)}.json`);
    expect(first.commit).toBe(await headOf(dir));
    expect(first.report.thresholds).toEqual({ path: THRESHOLDS, sha256: thresholdsSha });
    const again = await validate();
    expect(again).toMatchObject({ commit: null, path: first.path, report: first.report });
    expect(await headOf(dir)).toBe(first.commit);
  });

  it('validates the same version again after a thresholds change, keeping the first report as it was', async () => {
    const first = await validate();
    expect(first.report.passed).toBe(false);
    const newSha = await changeThresholds(LENIENT);
    const second = await validate();
    expect(second.commit).not.toBeNull();
    expect(second.path).toBe(`datasets/cells/v0001/validation/${newSha.slice(0, 12)}.json`);
    expect(second.report.passed).toBe(true);
    const reader = new RepoReader(dir);
    expect(await reader.readArtifact('ValidationReport', 'HEAD', first.path)).toEqual(first.report);
    expect((await runVerify({ reader })).violations).toEqual([]);
  });

  it('trains only on the report of the current thresholds, and says when there is none', async () => {
    await expect(assertTrainable(new RepoReader(dir), 'HEAD', 'cells', 'v0001')).rejects.toThrow('dataset cells v0001 has not been validated; run cairn validate --dataset cells --version v0001');
    const first = await validate();
    await changeThresholds(LENIENT);
    const error = await rejection(assertTrainable(new RepoReader(dir), 'HEAD', 'cells', 'v0001'));
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.message).toContain(`no validation report made with the current thresholds/validation.yaml`);
    expect(error.message).toContain(first.path);
    await validate();
    await expect(assertTrainable(new RepoReader(dir), 'HEAD', 'cells', 'v0001')).resolves.toMatchObject({ passed: true });
  });

  it('still reads an old validation.json as the report of the thresholds it names', async () => {
    await changeThresholds(LENIENT);
    const reader = new RepoReader(dir);
    const thresholdsBytes = (await reader.readFile('HEAD', THRESHOLDS))!;
    const manifestPath = paths.datasetManifest('cells', 'v0001');
    const legacy = buildArtifact('ValidationReport', {
      dataset: 'cells',
      dataset_version: 'v0001',
      manifest: { path: manifestPath, sha256: sha256Hex((await reader.readFile('HEAD', manifestPath))!) },
      thresholds: { path: THRESHOLDS, sha256: sha256Hex(thresholdsBytes) },
      passed: true,
      checks: [],
      created_at: NOW().toISOString(),
    });
    const legacyPath = paths.legacyValidationReport('cells', 'v0001');
    await commitStage({ dir, stage: 'validate', runId: 't', plan: () => ({ subject: 'old report', files: [{ path: legacyPath, content: formatJsonFile(legacy) }] }) });
    expect(await validate()).toMatchObject({ commit: null, path: legacyPath });
    await expect(assertTrainable(new RepoReader(dir), 'HEAD', 'cells', 'v0001')).resolves.toEqual(legacy);
  });

  it('judges a version by the thresholds at thresholdsRef, not by those on its own branch', async () => {
    const strict = await headOf(dir);
    const strictSha = sha256Hex((await new RepoReader(dir).readFile('HEAD', THRESHOLDS))!);
    await changeThresholds(LENIENT); // the branch tries to loosen what judges it
    const result = await validate({ thresholdsRef: strict! });
    expect(result.report.passed).toBe(false);
    expect(result.report.thresholds.sha256).toBe(strictSha);
  });

  it('cairn validate exits 0 and says so when the version was already validated with these thresholds', async () => {
    const out: string[] = [];
    const run = () => runCli(['-C', dir, 'validate', '--dataset', 'cells'], { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(await run()).toBe(1);
    const head = await headOf(dir);
    out.length = 0;
    expect(await run()).toBe(0);
    expect(out.join('')).toContain('already validated with these thresholds');
    expect(await headOf(dir)).toBe(head);
  });
});

describe('cairn verify and validation reports', () => {
  it('names a report whose file name is not the start of its thresholds sha256', async () => {
    const { report } = await validate();
    const wrong = 'datasets/cells/v0001/validation/000000000000.json';
    await commitStage({ dir, stage: 'validate', runId: 't', plan: () => ({ subject: 'misnamed', files: [{ path: wrong, content: formatJsonFile(report) }] }) });
    const { violations } = await runVerify({ reader: new RepoReader(dir) });
    expect(violations).toEqual([expect.objectContaining({ file: wrong, rule: 'path-mismatch' })]);
  });

  it('places nothing else under validation/', async () => {
    const git = new GitCli(dir);
    const stray = 'datasets/cells/v0001/validation/notes.txt';
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'datasets/cells/v0001/validation'), { recursive: true });
    await writeFile(join(dir, stray), 'hello');
    await git.run(['add', stray]);
    await git.run(['commit', '--quiet', '-m', 'stray']);
    const { violations } = await runVerify({ reader: new RepoReader(dir) });
    expect(violations).toEqual([expect.objectContaining({ file: stray, rule: 'layout' })]);
  });
});
