import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { exportFileSource } from '../../src/dataset/label-studio-source.js';
import { runIngest } from '../../src/dataset/run-ingest.js';
import { InputError } from '../../src/errors.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { headOf, statusOf, tempDir } from '../helpers/git.js';
import { CELLS_EXPORT as FIXTURE, CELLS_NOW as NOW, initCellsRepo } from '../helpers/cells-repo.js';
import { rejection } from '../helpers/rejection.js';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';

let server: Server;
let baseUrl: string;
let root: string;
let cleanup: () => Promise<void>;
let fixture: Buffer;

// Label Studio's quick export, per project: 1 the SDK fixture, 2 a project with no tasks,
// 3 an export cut off in the middle, 4 an export that fails on the server.
const EXPORTS: Record<string, () => { status: number; body: string | Buffer }> = {
  '1': () => ({ status: 200, body: fixture }),
  '2': () => ({ status: 200, body: '[]' }),
  '3': () => ({ status: 200, body: fixture.subarray(0, 400) }),
  '4': () => ({ status: 500, body: '{"detail":"boom"}' }),
};

beforeAll(async () => {
  fixture = await readFile(FIXTURE);
  server = createServer((req, res) => {
    const project = /^\/api\/projects\/(\d+)\//.exec(req.url ?? '')?.[1] ?? '';
    const answer = EXPORTS[project];
    if (!answer) return void res.writeHead(404).end('{"detail":"Not found."}');
    if (req.url === `/api/projects/${project}/`) {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: Number(project), title: 'cells', task_number: project === '2' ? 0 : 2 }));
    }
    const { status, body } = answer();
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ path: root, cleanup } = await tempDir());
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

/** Runs the CLI with `env` set, and TMPDIR pointing at a fresh directory that is returned for inspection. */
async function cli(name: string, args: string[], env: Record<string, string> = {}) {
  const tmp = join(root, `${name}-tmp`);
  await mkdir(tmp, { recursive: true });
  const saved = { ...process.env };
  Object.assign(process.env, { ...env, TMPDIR: tmp });
  const out: string[] = [];
  try {
    const code = await runCli(args, { out: (t) => out.push(t), err: (t) => out.push(t) });
    return { code, text: out.join(''), leftovers: (await readdir(tmp)).filter((entry) => entry.startsWith('cairn-export-')) };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

async function repo(name: string, project = 1): Promise<string> {
  const dir = join(root, name);
  await initCellsRepo(dir, { url: baseUrl, project });
  return dir;
}

const ingest = (dir: string, path: string) => runIngest({ dir, reader: new RepoReader(dir), dataset: 'cells', source: exportFileSource(path), fetchImage: null, runId: 't', now: NOW });

describe('an export with no tasks', () => {
  it('is nothing new: exit 0, nothing written (a file holding [])', async () => {
    const dir = await repo('empty-file');
    const path = join(root, 'empty-list.json');
    await writeFile(path, ' [ \n ] ');
    const head = await headOf(dir);
    expect(await ingest(dir, path)).toMatchObject({ version: null, commit: null, tasks: 0 });
    const { code, text } = await cli('empty-file', ['-C', dir, 'ingest', '--dataset', 'cells', '--export', path, '--skip-images']);
    expect(code).toBe(0);
    expect(text).toBe('cells: nothing new in 0 tasks; nothing written\n');
    expect(await headOf(dir)).toBe(head);
    expect(await statusOf(dir)).toBe('');
  });

  it('is nothing new from a Label Studio project with no tasks, and the download is removed', async () => {
    const dir = await repo('empty-project', 2);
    const head = await headOf(dir);
    const { code, text, leftovers } = await cli('empty-project', ['-C', dir, 'ingest', '--dataset', 'cells', '--from-api', '--skip-images'], { LABEL_STUDIO_API_KEY: TOKEN });
    expect(text).toBe('cells: nothing new in 0 tasks; nothing written\n');
    expect(code).toBe(0);
    expect(leftovers).toEqual([]);
    expect(await headOf(dir)).toBe(head);
  });
});

describe('ingest --from-api leaves no download behind', () => {
  it('after a successful ingestion', async () => {
    const dir = await repo('api-ok');
    const { code, leftovers } = await cli('api-ok', ['-C', dir, 'ingest', '--dataset', 'cells', '--from-api', '--skip-images'], { LABEL_STUDIO_API_KEY: TOKEN });
    expect(code).toBe(0);
    expect(leftovers).toEqual([]);
  });

  it('after an ingestion that refused the downloaded export, writing nothing', async () => {
    const dir = await repo('api-truncated', 3);
    const head = await headOf(dir);
    const { code, text, leftovers } = await cli('api-truncated', ['-C', dir, 'ingest', '--dataset', 'cells', '--from-api', '--skip-images'], { LABEL_STUDIO_API_KEY: TOKEN });
    expect(code).toBe(1);
    expect(text).toContain('cut off');
    expect(leftovers).toEqual([]);
    expect(await headOf(dir)).toBe(head);
    expect(await statusOf(dir)).toBe('');
  });

  it('after a download the server failed', async () => {
    const dir = await repo('api-failed', 4);
    const { code, leftovers } = await cli('api-failed', ['-C', dir, 'ingest', '--dataset', 'cells', '--from-api', '--skip-images'], { LABEL_STUDIO_API_KEY: TOKEN });
    expect(code).toBe(2);
    expect(leftovers).toEqual([]);
  });
});

describe('a task listed twice in one export', () => {
  it('is refused when the copies differ, naming the ids, and nothing is written', async () => {
    const dir = await repo('duplicate-differs');
    const tasks = JSON.parse(fixture.toString('utf8')) as Array<Record<string, any>>;
    const changed = structuredClone(tasks[1]!);
    changed.annotations[0].result[0].value.rectanglelabels = ['parasites'];
    const path = join(root, 'duplicate-differs.json');
    await writeFile(path, JSON.stringify([...tasks, changed]));
    const head = await headOf(dir);
    const error = await rejection(ingest(dir, path));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('duplicate-differs.json: task 2 appears more than once with different content; keep one copy of each');
    expect((error as InputError).data).toMatchObject({ file: 'duplicate-differs.json', rule: 'unique-task-id', tasks: [2] });
    expect(await headOf(dir)).toBe(head);
    expect(await statusOf(dir)).toBe('');
  });

  it('is taken once when the copies are identical: new, not corrected', async () => {
    const dir = await repo('duplicate-same');
    const tasks = JSON.parse(fixture.toString('utf8')) as unknown[];
    const path = join(root, 'duplicate-same.json');
    await writeFile(path, JSON.stringify([...tasks, tasks[1], tasks[0]]));
    expect(await ingest(dir, path)).toMatchObject({ version: 'v0001', tasks: 4, added: 2, updated: 0 });
    const manifest = await new RepoReader(dir).loadArtifact('DatasetArtifact', 'HEAD', 'datasets/cells/v0001/manifest.json');
    expect(manifest.counts.items).toBe(2);
  });
});
