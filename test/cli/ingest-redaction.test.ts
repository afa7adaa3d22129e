import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitCli } from '../../src/store/git-cli.js';
import { headOf, tempDir } from '../helpers/git.js';
import { initModelRepo } from '../helpers/model-repo.js';
import { startFakeLabelStudio, type FakeLabelStudio } from '../label-studio/fake-label-studio.js';
import { runCairn } from './cli-harness.js';

const FIXTURE = new URL('../fixtures/label-studio/sdk-yolo-export-rectanglelabels.json', import.meta.url).pathname;
const PASSWORD = 'pw-Xy7-never-shown';
const TAXONOMY = { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] };

let ls: FakeLabelStudio;
let root: string;
let cleanup: () => Promise<void>;
let count = 0;
beforeAll(async () => {
  ls = await startFakeLabelStudio({ exportBody: await readFile(FIXTURE, 'utf8') });
  ({ path: root, cleanup } = await tempDir());
});
afterAll(async () => {
  await ls.close();
  await cleanup();
});
beforeEach(() => {
  ls.state.overrides = {};
});

/** `cairn ingest --from-api` in a new model repository with `env` set; returns its output and the repository. */
async function ingestFromApi(env: Record<string, string>) {
  const dir = join(root, `repo-${++count}`);
  await initModelRepo(dir, { dataset: 'cells', url: ls.url, taxonomy: TAXONOMY });
  const head = await headOf(dir);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { ...(await runCairn(['-C', dir, 'ingest', '--dataset', 'cells', '--from-api', '--skip-images', '--json'])), dir, head };
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/** Every commit message and every file ever committed, as text. */
async function everythingCommitted(dir: string): Promise<string> {
  return new GitCli(dir).run(['log', '--all', '-p', '--binary', '--format=%H%n%B']);
}

const secrets = () => [ls.state.legacyToken, ls.state.personalAccessToken, PASSWORD];
function expectNoSecret(text: string): void {
  for (const secret of secrets()) expect(text).not.toContain(secret);
}

describe('credentials never reach a message or an artifact', () => {
  it.each([
    ['legacy token', () => ls.state.legacyToken],
    ['personal access token', () => ls.state.personalAccessToken],
  ])('a successful ingest with a %s commits and prints no credential', async (_kind, token) => {
    const result = await ingestFromApi({ LABEL_STUDIO_API_KEY: token() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ version: 'v0001' });
    expectNoSecret(result.text);
    const committed = await everythingCommitted(result.dir);
    expect(committed).toContain('datasets/cells/v0001/items.jsonl');
    expectNoSecret(committed);
  });

  it('a password in LABEL_STUDIO_URL is refused without being echoed, and nothing is written', async () => {
    const url = ls.url.replace('http://', `http://cairn:${PASSWORD}@`);
    const result = await ingestFromApi({ LABEL_STUDIO_URL: url, LABEL_STUDIO_API_KEY: ls.state.legacyToken });
    expect(result.err).toBe(`cairn: the Label Studio URL ${ls.url.replace('http://', 'http://***@')} carries a user or password; remove it (cairn authenticates with LABEL_STUDIO_API_KEY) [E_LABEL_STUDIO]\n`);
    expect(result.code).toBe(2);
    expectNoSecret(result.text);
    expect(await headOf(result.dir)).toBe(result.head);
  });

  it.each([
    ['legacy token', () => ls.state.legacyToken],
    ['personal access token', () => ls.state.personalAccessToken],
  ])('a server that echoes the %s in its error answer does not get it printed', async (_kind, token) => {
    ls.state.overrides['/api/projects/1/'] = { status: 500, body: JSON.stringify({ detail: `bad request with Authorization: Token ${token()} and key ${token()}` }), contentType: 'application/json' };
    const result = await ingestFromApi({ LABEL_STUDIO_API_KEY: token() });
    expect(result.err).toContain('Label Studio answered HTTP 500 to GET');
    expect(result.code).toBe(2);
    expectNoSecret(result.text);
    expect(await everythingCommitted(result.dir)).not.toContain('datasets/cells/v0001');
  });

  it('a refused token is named by kind, never by value', async () => {
    const wrong = `${ls.state.legacyToken.slice(0, -4)}0000`;
    const result = await ingestFromApi({ LABEL_STUDIO_API_KEY: wrong });
    expect(result.err).toContain('Label Studio refused the legacy token for GET');
    expect(result.err).not.toContain(wrong);
    expect(result.code).toBe(2);
  });
});
