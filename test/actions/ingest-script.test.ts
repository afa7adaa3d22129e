import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalForge } from '../../src/forge/local-forge.js';
import { headOf, tempDir } from '../helpers/git.js';
import { initModelRepo } from '../helpers/model-repo.js';
import { runEntry } from '../helpers/run-entry.js';
import { startFakeLabelStudio, type FakeLabelStudio } from '../label-studio/fake-label-studio.js';

const FIXTURE = new URL('../fixtures/label-studio/sdk-yolo-export-rectanglelabels.json', import.meta.url).pathname;

let root: string;
let dir: string;
let cleanup: () => Promise<void>;
let labelStudio: FakeLabelStudio;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  dir = join(root, 'repo');
  labelStudio = await startFakeLabelStudio({ exportBody: await readFile(FIXTURE, 'utf8') });
  await initModelRepo(dir, { dataset: 'cells', url: labelStudio.url, taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
});
afterAll(async () => {
  await labelStudio.close();
  await cleanup();
});

const env = () => ({ DATASET: 'cells', BASE_REF: 'main', LABEL_STUDIO_API_KEY: labelStudio.state.legacyToken, CAIRN_FORGE: 'local', PUSH_REMOTE: '' });

describe('scripts/ingest.ts, the ingest workflow entry', () => {
  it('downloads the project, commits the version on its branch, opens the pull request and lists the images it could not fetch', async () => {
    const result = await runEntry('ingest.ts', { cwd: dir, scratch: root, env: env() });

    expect(result.code).toBe(0);
    expect(result.summary).toMatch(/^### Ingested cells v0001\n\n2 new, 0 corrected from 2 tasks; pull request #1\.\n\n2 image\(s\) could not be fetched/);
    expect(result.output).toMatch(/dataset-version<<.*\nv0001\n/s);
    const pullRequest = await new LocalForge({ dir, user: 'reviewer' }).getPullRequest(1);
    expect(pullRequest).toMatchObject({ head: 'cairn/ingest/cells/v0001', base: 'main', labels: ['cairn:dataset'] });
    expect(labelStudio.requests.map((request) => request.authorization)).toContain(`Token ${labelStudio.state.legacyToken}`);
  });

  it('says "nothing new" and writes nothing when the project has not changed since the branch it builds on', async () => {
    await new LocalForge({ dir, user: 'reviewer' }).mergePullRequest(1);
    const before = await headOf(dir, 'main');

    const result = await runEntry('ingest.ts', { cwd: dir, scratch: root, env: env() });

    expect(result.code).toBe(0);
    expect(result.summary).toBe('### cells: nothing new\n\n2 tasks read; nothing written.\n');
    expect(await headOf(dir, 'main')).toBe(before);
  });

  it('fails the step, credentials masked, when Label Studio refuses the token', async () => {
    const result = await runEntry('ingest.ts', { cwd: dir, scratch: root, env: { ...env(), LABEL_STUDIO_API_KEY: 'f'.repeat(40) } });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::cairn: .*(401|refused|token)/i);
    expect(result.stdout).not.toContain('f'.repeat(40));
  });
});
