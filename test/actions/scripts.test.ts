import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFileSource } from '../../src/dataset/label-studio-source.js';
import { runIngestStage } from '../../src/dataset/run-ingest-stage.js';
import { LocalForge } from '../../src/forge/local-forge.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { tempDir } from '../helpers/git.js';
import { initModelRepo } from '../helpers/model-repo.js';
import { runEntry as runScript } from '../helpers/run-entry.js';

const FIXTURE = new URL('../fixtures/label-studio/sdk-yolo-export-rectanglelabels.json', import.meta.url).pathname;

let root: string;
let dir: string;
let cleanup: () => Promise<void>;

const runEntry = (name: string, env: Record<string, string>) => runScript(name, { cwd: dir, scratch: root, env });

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  dir = join(root, 'repo');
  await initModelRepo(dir, { dataset: 'cells', taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
});
afterAll(() => cleanup());

describe('workflow entries', () => {
  it('verify.ts writes a clean job summary and passes on a clean change', async () => {
    const result = await runEntry('verify.ts', { BASE_REF: 'HEAD' });
    expect(result.code).toBe(0);
    expect(result.summary).toContain('### cairn verify: clean');
    expect(result.output).toContain('violations');
  });

  it('verify.ts fails the step and annotates the file when an artifact was changed', async () => {
    const cli = new GitCli(dir);
    const base = (await cli.run(['rev-parse', 'HEAD'])).trim();
    await writeFile(join(dir, 'datasets/taxonomies/taxonomy_v1.json'), '{"schema":"Taxonomy/v1"}\n');
    await cli.run(['commit', '--quiet', '-am', 'hand edit']);
    try {
      const result = await runEntry('verify.ts', { BASE_REF: base });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/::error title=cairn verify,file=datasets\/taxonomies\/taxonomy_v1.json::\[write-once\]/);
      expect(result.summary).toContain('| `datasets/taxonomies/taxonomy_v1.json` | write-once |');
    } finally {
      await cli.run(['reset', '--quiet', '--hard', base]);
    }
  });

  it('validate-dataset.ts validates an ingest pull request, comments and sets the status', async () => {
    const forge = new LocalForge({ dir, user: 'cairn-bot' });
    const { pullRequest } = await runIngestStage(
      { dir, reader: new RepoReader(dir), forge },
      { dataset: 'cells', source: exportFileSource(FIXTURE), fetchImage: null, runId: 't', now: () => new Date('2026-11-22T00:00:00Z'), base: 'main' },
    );
    const result = await runEntry('validate-dataset.ts', { PR_NUMBER: String(pullRequest!.number), CAIRN_FORGE: 'local', PUSH_REMOTE: '' });
    expect(result.code).toBe(1); // the fixture is two years old and tiny: freshness and distribution fail
    expect(result.summary).toContain('### Validation of cells v0001: failed');
    const updated = await forge.getPullRequest(pullRequest!.number);
    expect(await forge.getStatuses(updated.headSha)).toEqual([
      expect.objectContaining({ context: 'cairn/validation', state: 'failure', description: 'failed: class-distribution, freshness, images' }),
    ]);
    const comments = await forge.listComments(pullRequest!.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('<!-- cairn:validation:cells -->');
  });

  it('list-models.ts lists every model for the training matrix, or refuses one that does not exist', async () => {
    const all = await runEntry('list-models.ts', { BASE_REF: 'HEAD' });
    expect(all.code).toBe(0);
    expect(all.output).toMatch(/models<<.*\n\[\]\n/s);
    const missing = await runEntry('list-models.ts', { BASE_REF: 'HEAD', MODEL: 'cells' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('::error::cairn: model cells has no registry/cells/model.yaml at HEAD');
  });
});
