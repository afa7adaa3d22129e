import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { headOf, tempDir } from '../helpers/git.js';
import { initModelRepo } from '../helpers/model-repo.js';

const FIXTURE = new URL('../fixtures/label-studio/sdk-yolo-export-rectanglelabels.json', import.meta.url).pathname;
const TOKEN = '0123456789abcdef0123456789abcdef01234567';

let server: Server;
let baseUrl: string;
let root: string;
let cleanup: () => Promise<void>;
const requests: Array<{ method: string; url: string; auth: string | undefined }> = [];

beforeAll(async () => {
  const exportBody = await readFile(FIXTURE);
  // Answers like Label Studio for the calls a quick export makes.
  server = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
    if (req.headers.authorization !== `Token ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"Invalid token."}');
    } else if (req.url === '/api/projects/1/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 1, title: 'cells', task_number: 2 }));
    } else if (req.url?.startsWith('/api/projects/1/export?')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(exportBody);
    } else res.writeHead(404).end('{"detail":"Not found."}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ path: root, cleanup } = await tempDir());
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

async function cli(args: string[], env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out: string[] = [];
  try {
    const code = await runCli(args, { out: (t) => out.push(t), err: (t) => out.push(t) });
    return { code, text: out.join('') };
  } finally {
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('cairn ingest --from-api', () => {
  it('downloads the project with a legacy token and commits the dataset version', async () => {
    const dir = join(root, 'ok');
    await initModelRepo(dir, { dataset: 'cells', url: baseUrl, taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
    const { code, text } = await cli(['-C', dir, 'ingest', '--dataset', 'cells', '--from-api', '--skip-images'], { LABEL_STUDIO_API_KEY: TOKEN });
    expect(text).toContain('cells v0001: 2 new, 0 corrected, from 2 tasks');
    expect(code).toBe(0);
    expect(requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['GET /api/projects/1/', 'GET /api/projects/1/export']);
    const manifest = await new RepoReader(dir).loadArtifact('DatasetArtifact', 'HEAD', 'datasets/cells/v0001/manifest.json');
    expect(manifest.source).toMatchObject({ kind: 'label-studio-api', project: '1', export: 'project-1-quick-export.json', tasks: 2 });
  });

  it('says the token was refused on a 401, exits 2 and writes nothing', async () => {
    const dir = join(root, 'refused');
    await initModelRepo(dir, { dataset: 'cells', url: baseUrl, taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
    const head = await headOf(dir);
    const { code, text } = await cli(['-C', dir, 'ingest', '--dataset', 'cells', '--from-api'], { LABEL_STUDIO_API_KEY: 'wrong' });
    expect(code).toBe(2);
    expect(text).toMatch(/401/);
    expect(text).toContain('/api/projects/1/');
    expect(await headOf(dir)).toBe(head);
  });

  it('names the URL when Label Studio cannot be reached', async () => {
    const dir = join(root, 'unreachable');
    await initModelRepo(dir, { dataset: 'cells', url: 'http://127.0.0.1:9', taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
    const { code, text } = await cli(['-C', dir, 'ingest', '--dataset', 'cells', '--from-api'], { LABEL_STUDIO_API_KEY: TOKEN });
    expect(code).toBe(2);
    expect(text).toContain('http://127.0.0.1:9');
  });
});
