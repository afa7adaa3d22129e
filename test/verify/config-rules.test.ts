import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCli } from '../../src/store/git-cli.js';
import { tempDir } from '../helpers/git.js';
import { initModelRepo } from '../helpers/model-repo.js';
import { runCairn } from '../cli/cli-harness.js';

const FIXTURE = new URL('../fixtures/label-studio/sdk-yolo-export-rectanglelabels.json', import.meta.url).pathname;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  let root: string;
  ({ path: root, cleanup } = await tempDir());
  dir = join(root, 'repo');
  await initModelRepo(dir, { dataset: 'cells', taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
  const edit = async (path: string, change: (text: string) => string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), change(await readFile(join(dir, path), 'utf8').catch(() => '')));
  };
  // Edits a person could push by hand: each passes its JSON Schema and breaks a rule between fields or a trainer's schema.
  await edit('datasets/cells/dataset.yaml', (text) => text.replace(/splits:\n(  \w+: [\d.]+\n)+/, 'splits:\n  test: 0.15\n  train: 0.9\n  val: 0.15\n'));
  await edit('thresholds/validation.yaml', (text) => text.replace(/warn_after_days: \d+/, 'warn_after_days: 45'));
  await edit('registry/cells/model.yaml', () => 'schema: ModelConfig/v1\nmodel: cells\ndataset: cells\ntaxonomy_version: taxonomy_v1\ncalibration: false\ntrainer:\n  kind: builtin\n  config:\n    clasHead: { epochs: 3 }\n');
  const git = new GitCli(dir);
  await git.run(['add', '-A']);
  await git.run(['commit', '--quiet', '-m', 'hand edits']);
});
afterAll(() => cleanup());

const SPLITS = '/splits: train + val + test is 1.2, must add up to 1 (rule splits-sum)';
const FRESHNESS = '/freshness/warn_after_days: 45 exceeds freshness.error_after_days 30: a warning comes before the failure (rule freshness-order)';
const TYPO = '/trainer/config: must NOT have additional properties (clasHead)';

describe('one validator per kind: verify and the readers refuse the same files in the same words', () => {
  it('verify names the file, the field and the rule of each', async () => {
    const result = await runCairn(['-C', dir, 'verify']);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`  datasets/cells/dataset.yaml: [schema] ${SPLITS}`);
    expect(result.out).toContain(`  thresholds/validation.yaml: [schema] ${FRESHNESS}`);
    expect(result.out).toContain(`  registry/cells/model.yaml: [schema] ${TYPO}`);
  });

  it('ingest refuses splits that do not add up to 1 (the test split would be empty)', async () => {
    const result = await runCairn(['-C', dir, 'ingest', '--dataset', 'cells', '--base', 'HEAD', '--export', FIXTURE, '--skip-images']);
    expect(result.err).toBe(`cairn: datasets/cells/dataset.yaml@HEAD: schema violation at ${SPLITS} [E_SCHEMA]\n`);
    expect(result.code).toBe(1);
  });

  it('train refuses a typo’d trainer.config key', async () => {
    const result = await runCairn(['-C', dir, 'train', 'cells']);
    expect(result.err).toBe(`cairn: registry/cells/model.yaml@HEAD: schema violation at ${TYPO} [E_SCHEMA]\n`);
    expect(result.code).toBe(1);
  });
});
