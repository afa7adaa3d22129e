import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, LabelStudioError } from '../../src/errors.js';
import { authForToken, LabelStudioClient, presignPath, type LabelStudioClientOptions } from '../../src/label-studio/client.js';
import { startFakeLabelStudio, type FakeLabelStudio } from './fake-label-studio.js';
import { rejection } from '../helpers/rejection.js';

let ls: FakeLabelStudio;
let dir: string;

beforeEach(async () => {
  ls = await startFakeLabelStudio();
  dir = await mkdtemp(join(tmpdir(), 'cairn-ls-client-'));
});
afterEach(async () => {
  await ls.close();
  await rm(dir, { recursive: true, force: true });
});

function legacyClient(options: Partial<LabelStudioClientOptions> = {}): LabelStudioClient {
  return new LabelStudioClient({ baseUrl: `${ls.url}/`, auth: { kind: 'legacy-token', token: ls.state.legacyToken }, ...options });
}

function patClient(token = ls.state.personalAccessToken): LabelStudioClient {
  return new LabelStudioClient({ baseUrl: ls.url, auth: { kind: 'personal-access-token', token } });
}

const paths = () => ls.requests.map((request) => `${request.method} ${request.path}`);

describe('LabelStudioClient exports', () => {
  it('exports a small project with the quick export, streamed to a file with its checksum', async () => {
    ls.state.exportBody = JSON.stringify([{ id: 1, data: { image: 'a.png' } }, { id: 2, data: { image: 'b.png' } }]);
    const path = join(dir, 'export.json');
    const result = await legacyClient().exportProject(1, path);
    expect(result).toEqual({
      method: 'quick',
      path,
      bytes: Buffer.byteLength(ls.state.exportBody),
      sha256: createHash('sha256').update(ls.state.exportBody).digest('hex'),
      exportId: null,
    });
    expect(readFileSync(path, 'utf8')).toBe(ls.state.exportBody);
    expect(paths()).toEqual(['GET /api/projects/1/', 'GET /api/projects/1/export?exportType=JSON&download_all_tasks=true']);
    expect(ls.requests.every((request) => request.authorization === `Token ${ls.state.legacyToken}`)).toBe(true);
  });

  it('exports a large project through a snapshot: create, poll until completed, download', async () => {
    ls.state.taskNumber = 12_000;
    const slept: number[] = [];
    const client = legacyClient({ snapshotTaskLimit: 10_000, pollIntervalMs: 1500, sleep: async (ms) => void slept.push(ms), now: () => Date.UTC(2026, 2, 1) });
    const result = await client.exportProject(1, join(dir, 'snapshot.json'));
    expect(result).toMatchObject({ method: 'snapshot', exportId: 5, bytes: Buffer.byteLength(ls.state.exportBody) });
    expect(paths()).toEqual([
      'GET /api/projects/1/',
      'POST /api/projects/1/exports/',
      'GET /api/projects/1/exports/5',
      'GET /api/projects/1/exports/5',
      'GET /api/projects/1/exports/5/download?exportType=JSON',
    ]);
    expect(JSON.parse(ls.requests[1]!.body)).toEqual({ title: 'cairn 2026-03-01T00:00:00.000Z' });
    expect(slept).toEqual([1500, 1500]);
  });

  it('reports a failed snapshot', async () => {
    ls.state.snapshotStatuses = ['in_progress', 'failed'];
    const error = await rejection(legacyClient({ sleep: async () => {} }).snapshotExport(1, join(dir, 'x.json')));
    expect(error).toBeInstanceOf(LabelStudioError);
    expect((error as LabelStudioError).data).toMatchObject({ rule: 'export-failed', exportId: 5, url: `${ls.url}/api/projects/1/exports/5` });
  });

  it('gives up on a snapshot that is not done in time, by the injected clock', async () => {
    ls.state.snapshotStatuses = ['in_progress'];
    let clock = 0;
    const client = legacyClient({ exportTimeoutMs: 10_000, pollIntervalMs: 2_000, now: () => clock, sleep: async (ms) => void (clock += ms) });
    const error = await rejection(client.snapshotExport(1, join(dir, 'x.json')));
    expect((error as LabelStudioError).data).toMatchObject({ rule: 'export-timeout' });
    expect(error.message).toContain('still in_progress after 10 s');
    expect(ls.requests.filter((request) => request.path === '/api/projects/1/exports/5')).toHaveLength(5);
  });

  it('leaves neither the export nor a partial file when the download breaks off', async () => {
    ls.state.overrides['/api/projects/1/export'] = { status: 200, body: '[{"id": 1}, {"id": 2}]', cutAfter: 8 };
    const path = join(dir, 'broken.json');
    const error = await rejection(legacyClient().quickExport(1, path));
    expect((error as LabelStudioError).data).toMatchObject({ rule: 'download-failed' });
    expect(existsSync(path) || existsSync(`${path}.partial`)).toBe(false);
  });
});

describe('LabelStudioClient credentials', () => {
  it('exchanges a personal access token for a Bearer access token once, and reuses it', async () => {
    const client = patClient();
    await client.getProject(1);
    await client.getProject(1);
    expect(paths()).toEqual(['POST /api/token/refresh', 'GET /api/projects/1/', 'GET /api/projects/1/']);
    expect(JSON.parse(ls.requests[0]!.body)).toEqual({ refresh: ls.state.personalAccessToken });
    expect(ls.requests[0]!.authorization).toBeUndefined();
    expect(ls.requests[1]!.authorization).toBe(`Bearer ${[...ls.state.validAccess][0]}`);
  });

  it('refreshes once when the access token has expired, then retries', async () => {
    const client = patClient();
    await client.getProject(1);
    ls.state.validAccess.clear();
    expect((await client.getProject(1)).taskNumber).toBe(2);
    expect(paths()).toEqual(['POST /api/token/refresh', 'GET /api/projects/1/', 'GET /api/projects/1/', 'POST /api/token/refresh', 'GET /api/projects/1/']);
  });

  it('says which credentials were refused, without showing the token', async () => {
    const pat = await rejection(patClient('eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.revoked').getProject(1));
    expect(pat).toBeInstanceOf(LabelStudioError);
    expect(pat.message).toContain('refused the personal access token');
    expect(pat.message).toContain(`${ls.url}/api/token/refresh`);
    expect((pat as LabelStudioError).data).toMatchObject({ rule: 'auth-refused', status: 401, auth: 'personal-access-token' });

    const legacy = await rejection(new LabelStudioClient({ baseUrl: ls.url, auth: { kind: 'legacy-token', token: 'wrong-secret' } }).getProject(1));
    expect(legacy.message).toContain(`refused the legacy token for GET ${ls.url}/api/projects/1/ (HTTP 401: Authentication credentials were not provided.)`);
    expect(legacy.message).not.toContain('wrong-secret');

    ls.state.overrides['/api/projects/1/exports/'] = { status: 403, body: '{"detail": "You do not have permission to perform this action."}' };
    const forbidden = await rejection(legacyClient().snapshotExport(1, join(dir, 'x.json')));
    expect(forbidden.message).toContain('refused the legacy token for POST');
    expect((forbidden as LabelStudioError).data).toMatchObject({ rule: 'auth-refused', status: 403, auth: 'legacy-token' });
  });

  it('tells a personal access token (a JWT) from a legacy token', () => {
    expect(authForToken(ls.state.personalAccessToken).kind).toBe('personal-access-token');
    expect(authForToken(ls.state.legacyToken).kind).toBe('legacy-token');
  });
});

describe('LabelStudioClient failures', () => {
  it('names the URL of an unreachable server', async () => {
    const port = await freePort();
    const error = await rejection(new LabelStudioClient({ baseUrl: `http://127.0.0.1:${port}`, auth: { kind: 'legacy-token', token: 't' } }).getProject(1));
    expect(error).toBeInstanceOf(LabelStudioError);
    expect(error.message).toBe(`cannot reach Label Studio at http://127.0.0.1:${port}/api/projects/1/ (GET): ECONNREFUSED`);
    expect((error as LabelStudioError).data).toMatchObject({ rule: 'unreachable', reason: 'ECONNREFUSED' });
  });

  it('reports a server error with its status', async () => {
    ls.state.overrides['/api/projects/1/'] = { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>' };
    const error = await rejection(legacyClient().getProject(1));
    expect(error.message).toBe(`Label Studio answered HTTP 502 to GET ${ls.url}/api/projects/1/: <html><h1>502 Bad Gateway</h1></html>`);
    expect((error as LabelStudioError).data).toMatchObject({ rule: 'server-error', status: 502 });
  });

  it('reports a missing project as an HTTP status error', async () => {
    const error = await rejection(legacyClient().getProject(9));
    expect((error as LabelStudioError).data).toMatchObject({ rule: 'http-status', status: 404 });
    expect(error.message).toContain('Not found.');
  });

  it('refuses an answer that is not JSON, or lacks the fields it must have, as bad input', async () => {
    ls.state.overrides['/api/projects/1/'] = { status: 200, body: '<!doctype html><title>Label Studio</title>' };
    const html = await rejection(legacyClient().getProject(1));
    expect(html).toBeInstanceOf(InputError);
    expect((html as InputError).data).toMatchObject({ file: `${ls.url}/api/projects/1/`, item: 'GET /api/projects/1/', rule: 'json-answer' });

    ls.state.overrides['/api/projects/1/'] = { status: 200, body: '{"id": 1, "task_number": "many"}', contentType: 'application/json' };
    const shape = await rejection(legacyClient().getProject(1));
    expect((shape as InputError).data).toMatchObject({ rule: 'answer-shape', field: 'task_number' });
  });

  it('never sends credentials to another host', async () => {
    const error = await rejection(legacyClient().openServerFile('https://elsewhere.example/data/upload/1/a.png'));
    expect((error as LabelStudioError).data).toMatchObject({ rule: 'foreign-url' });
    expect(ls.requests).toHaveLength(0);
  });
});

describe('LabelStudioClient redaction', () => {
  it('refuses a base URL that carries a user or password, showing neither', () => {
    const error = (() => {
      try {
        new LabelStudioClient({ baseUrl: ls.url.replace('http://', 'http://alice:pw-very-secret@'), auth: { kind: 'legacy-token', token: ls.state.legacyToken } });
      } catch (caught) {
        return caught as LabelStudioError;
      }
      throw new Error('expected the constructor to throw');
    })();
    expect(error).toBeInstanceOf(LabelStudioError);
    expect(error.data).toMatchObject({ rule: 'credentials-in-url', url: ls.url.replace('http://', 'http://***@') });
    expect(JSON.stringify(error.toJSON())).not.toMatch(/alice|pw-very-secret/);
  });

  it.each([
    ['legacy token', () => legacyClient(), () => ls.state.legacyToken],
    ['personal access token', () => patClient(), () => ls.state.personalAccessToken],
  ])('masks the %s in the message and data of an error whose answer echoes it', async (_kind, client, token) => {
    ls.state.overrides['/api/projects/1/'] = { status: 502, body: JSON.stringify({ detail: `your token ${token()} is odd` }), contentType: 'application/json' };
    const error = (await rejection(client().getProject(1))) as LabelStudioError;
    expect(error.data.rule).toBe('server-error');
    expect(error.message).toContain('your token *** is odd');
    expect(JSON.stringify(error.toJSON())).not.toContain(token());
  });
});

describe('LabelStudioClient storage and import', () => {
  it('encodes fileuri as padded URL-safe base64, as Python urlsafe_b64decode needs', () => {
    expect(presignPath({ taskId: 3 }, 's3://bucket/cats/1.png')).toBe('/tasks/3/presign/?fileuri=czM6Ly9idWNrZXQvY2F0cy8xLnBuZw%3D%3D');
    expect(presignPath({ projectId: 1 }, 'gs://b/ä?.png')).toBe('/projects/1/presign/?fileuri=Z3M6Ly9iL8OkPy5wbmc%3D');
  });

  it('presigns a cloud URI through the task resolver and returns the redirect target', async () => {
    expect(await legacyClient().presign(3, 's3://bucket/cats/1.png')).toBe(`${ls.url}/storage/bucket/cats/1.png?X-Amz-Signature=secret-signature`);
  });

  it('follows the presigned redirect without Label Studio credentials', async () => {
    ls.state.files['/storage/bucket/cats/1.png'] = Buffer.from('png-bytes');
    const response = await legacyClient().openStorageFile({ taskId: 3 }, 's3://bucket/cats/1.png');
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('png-bytes');
    const storage = ls.requests.find((request) => request.path.startsWith('/storage/'));
    expect(storage?.authorization).toBeUndefined();
  });

  it('imports tasks with predictions and returns the new task ids', async () => {
    const tasks = [{ data: { image: '/data/upload/1/a.png' }, predictions: [{ model_version: '1.2.0', score: 0.4, result: [] }] }, { data: { image: '/data/upload/1/b.png' } }];
    expect(await legacyClient().importTasks(1, tasks)).toEqual({ taskCount: 2, annotationCount: 0, predictionCount: 1, taskIds: [100, 101], importId: null });
    expect(paths()).toEqual(['POST /api/projects/1/import?return_task_ids=true']);
    expect(JSON.parse(ls.requests[0]!.body)).toEqual(tasks);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
