import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../../src/errors.js';
import { LabelStudioClient } from '../../src/label-studio/client.js';
import { fetchImageBytes, resolveImageSource } from '../../src/label-studio/image-source.js';
import { startFakeLabelStudio, type FakeLabelStudio } from './fake-label-studio.js';

const BASE = 'http://labelstudio.internal:8080';
let ls: FakeLabelStudio;
let root: string;
let client: LabelStudioClient;

beforeAll(async () => {
  ls = await startFakeLabelStudio();
  client = new LabelStudioClient({ baseUrl: ls.url, auth: { kind: 'legacy-token', token: ls.state.legacyToken } });
  root = await mkdtemp(join(tmpdir(), 'cairn-ls-images-'));
  await mkdir(join(root, 'images'));
  await writeFile(join(root, '3f2a9c1e-demo-000007.png'), 'local-upload');
  await writeFile(join(root, 'images', 'cat 1.png'), 'local-file');
});
afterAll(async () => {
  await ls.close();
  await rm(root, { recursive: true, force: true });
});

function ruleOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return String((error as InputError).data.rule);
  }
  throw new Error('expected an InputError');
}

describe('resolveImageSource', () => {
  it('serves server paths from Label Studio, with its credentials, when there is no local root', () => {
    expect(resolveImageSource('/data/upload/1/a.png', { baseUrl: `${BASE}/` })).toEqual({ kind: 'label-studio', url: `${BASE}/data/upload/1/a.png` });
    expect(resolveImageSource('/data/local-files/?d=images/cat.png', { baseUrl: BASE })).toEqual({ kind: 'label-studio', url: `${BASE}/data/local-files/?d=images/cat.png` });
    expect(resolveImageSource('/image1', { baseUrl: BASE })).toEqual({ kind: 'label-studio', url: `${BASE}/image1` });
    expect(resolveImageSource(`${BASE}/data/upload/1/a.png`, { baseUrl: BASE })).toEqual({ kind: 'label-studio', url: `${BASE}/data/upload/1/a.png` });
    expect(resolveImageSource(`${BASE}/ls/data/upload/1/a.png`, { baseUrl: `${BASE}/ls` })).toEqual({ kind: 'label-studio', url: `${BASE}/ls/data/upload/1/a.png` });
  });

  it('maps server paths and bare names into the local root when one is given', () => {
    const options = { baseUrl: BASE, localRoot: root };
    expect(resolveImageSource('/data/upload/1/3f2a9c1e-demo-000007.png', options)).toEqual({ kind: 'file', path: join(root, '3f2a9c1e-demo-000007.png') });
    expect(resolveImageSource('/data/local-files/?d=images%2Fcat%201.png', options)).toEqual({ kind: 'file', path: join(root, 'images', 'cat 1.png') });
    expect(resolveImageSource('test_image1.jpg', options)).toEqual({ kind: 'file', path: join(root, 'test_image1.jpg') });
    expect(resolveImageSource('/image1', options)).toEqual({ kind: 'file', path: join(root, 'image1') });
  });

  it('presigns cloud URIs for the task, or else the project', () => {
    expect(resolveImageSource('s3://bucket/cats/1.png', { taskId: 3 })).toEqual({ kind: 'storage', fileuri: 's3://bucket/cats/1.png', scope: { taskId: 3 } });
    expect(resolveImageSource('gs://bucket/1.png', { projectId: 1, localRoot: root })).toEqual({ kind: 'storage', fileuri: 'gs://bucket/1.png', scope: { projectId: 1 } });
    expect(ruleOf(() => resolveImageSource('s3://bucket/cats/1.png', {}))).toBe('presign-needs-task');
  });

  it('fetches other web URLs directly', () => {
    expect(resolveImageSource('https://cdn.example.com/a.png', { baseUrl: BASE })).toEqual({ kind: 'http', url: 'https://cdn.example.com/a.png' });
    expect(resolveImageSource(`${BASE}/static/logo.png`, { baseUrl: BASE })).toEqual({ kind: 'http', url: `${BASE}/static/logo.png` });
  });

  it('refuses what it cannot resolve', () => {
    expect(ruleOf(() => resolveImageSource('cat.png', { baseUrl: BASE }))).toBe('unresolvable-url');
    expect(ruleOf(() => resolveImageSource('/data/upload/1/a.png', {}))).toBe('needs-label-studio');
    expect(ruleOf(() => resolveImageSource('ftp://host/a.png', { localRoot: root }))).toBe('unsupported-url');
    expect(ruleOf(() => resolveImageSource('data:image/png;base64,AAAA', { localRoot: root }))).toBe('unsupported-url');
    expect(ruleOf(() => resolveImageSource('/data/upload/1/%E0%A4%A.png', { localRoot: root }))).toBe('unresolvable-url');
  });

  it('never leaves the local root', () => {
    for (const url of ['/data/local-files/?d=../../etc/passwd', '/data/upload/1/..%2F..%2Fsecret', '../secret.png', '/data/local-files/?d=']) {
      expect(ruleOf(() => resolveImageSource(url, { localRoot: root })), url).toBe('path-escape');
    }
  });
});

describe('fetchImageBytes', () => {
  it('reads local files', async () => {
    const source = resolveImageSource('/data/upload/1/3f2a9c1e-demo-000007.png', { localRoot: root });
    expect((await fetchImageBytes(source)).toString()).toBe('local-upload');
    await expect(fetchImageBytes({ kind: 'file', path: join(root, 'missing.png') })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fetches uploads from Label Studio with the token, and storage files through a presigned URL without it', async () => {
    ls.state.files['/data/upload/1/a.png'] = Buffer.from('uploaded');
    ls.state.files['/storage/bucket/b.png'] = Buffer.from('in-bucket');
    const upload = resolveImageSource('/data/upload/1/a.png', { client });
    expect((await fetchImageBytes(upload, { client })).toString()).toBe('uploaded');
    const stored = resolveImageSource('s3://bucket/b.png', { client, taskId: 3 });
    expect((await fetchImageBytes(stored, { client })).toString()).toBe('in-bucket');
    const byPath = Object.fromEntries(ls.requests.map((request) => [request.path.split('?')[0], request.authorization]));
    expect(byPath['/data/upload/1/a.png']).toBe(`Token ${ls.state.legacyToken}`);
    expect(byPath['/tasks/3/presign/']).toBe(`Token ${ls.state.legacyToken}`);
    expect(byPath['/storage/bucket/b.png']).toBeUndefined();
  });

  it('fetches plain web URLs and reports a failing one as bad input', async () => {
    const web = { kind: 'http' as const, url: `${ls.url}/storage/public.png` };
    ls.state.files['/storage/public.png'] = Buffer.from('public');
    expect((await fetchImageBytes(web)).toString()).toBe('public');
    await expect(fetchImageBytes({ kind: 'http', url: `${ls.url}/storage/none.png` })).rejects.toMatchObject({ data: { rule: 'image-fetch', status: 404 } });
  });

  it('needs a client for what only Label Studio serves', async () => {
    await expect(fetchImageBytes({ kind: 'label-studio', url: `${ls.url}/data/upload/1/a.png` })).rejects.toMatchObject({ data: { rule: 'needs-label-studio' } });
  });
});
