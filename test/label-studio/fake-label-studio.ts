import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Label Studio that answers the endpoints cairn uses with the shapes of
 * Label Studio's API (label_studio/{projects,data_export,data_import,io_storages,jwt_auth}), on
 * 127.0.0.1 only. Every request is recorded with its Authorization header.
 */
export interface FakeLabelStudio {
  url: string;
  requests: Array<{ method: string; path: string; authorization: string | undefined; body: string }>;
  state: FakeState;
  close(): Promise<void>;
}

export interface FakeState {
  legacyToken: string;
  personalAccessToken: string;
  /** Access tokens the server still accepts; clear it to make them expire. */
  validAccess: Set<string>;
  issued: number;
  taskNumber: number;
  exportBody: string;
  /** Statuses the snapshot reports, one per poll; the last one repeats. */
  snapshotStatuses: string[];
  files: Record<string, Buffer>;
  /** Answers to force for a path; `cutAfter` drops the connection after that many bytes of the body. */
  overrides: Record<string, { status: number; body: string; contentType?: string; cutAfter?: number }>;
}

const PROJECT = 1;
const SNAPSHOT = 5;

export async function startFakeLabelStudio(partial: Partial<FakeState> = {}): Promise<FakeLabelStudio> {
  const state: FakeState = {
    legacyToken: 'd6f8a2622d39e9d89ff0dfef1a80ad877f4ee9e3',
    personalAccessToken: jwt({ token_type: 'refresh', exp: 4102444800 }),
    validAccess: new Set(),
    issued: 0,
    taskNumber: 2,
    exportBody: '[{"id": 1}, {"id": 2}]',
    snapshotStatuses: ['in_progress', 'completed'],
    files: {},
    overrides: {},
    ...partial,
  };
  const requests: FakeLabelStudio['requests'] = [];
  let polls = 0;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, body });
      const override = state.overrides[url.pathname];
      if (override?.cutAfter !== undefined) {
        res.writeHead(override.status, { 'Content-Length': Buffer.byteLength(override.body) });
        res.write(override.body.slice(0, override.cutAfter));
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      if (override) return send(res, override.status, override.body, override.contentType ?? 'text/html');
      if (url.pathname === '/api/token/refresh' && req.method === 'POST') return refresh(res, body);
      if (url.pathname.startsWith('/storage/')) return serveFile(res, url.pathname);
      if (!authorized(req.headers.authorization)) return json(res, 401, { detail: 'Authentication credentials were not provided.' });
      route(req.method ?? 'GET', url, body, res);
    });
  });

  function authorized(header: string | undefined): boolean {
    if (header === `Token ${state.legacyToken}`) return true;
    return header?.startsWith('Bearer ') === true && state.validAccess.has(header.slice(7));
  }

  function refresh(res: ServerResponse, body: string): void {
    const { refresh: token } = JSON.parse(body || '{}') as { refresh?: string };
    if (token !== state.personalAccessToken) return json(res, 401, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    const access = jwt({ token_type: 'access', exp: 4102444800, n: ++state.issued });
    state.validAccess.add(access);
    json(res, 200, { access });
  }

  function route(method: string, url: URL, body: string, res: ServerResponse): void {
    const path = url.pathname;
    if (method === 'GET' && path === `/api/projects/${PROJECT}/`) {
      return json(res, 200, { id: PROJECT, title: 'Shapes', task_number: state.taskNumber, label_config: '<View/>', total_annotations_number: 2 });
    }
    if (method === 'GET' && path === `/api/projects/${PROJECT}/export` && url.searchParams.get('exportType') === 'JSON') {
      return streamExport(res);
    }
    if (method === 'POST' && path === `/api/projects/${PROJECT}/exports/`) {
      return json(res, 201, { id: SNAPSHOT, title: (JSON.parse(body) as { title: string }).title, status: 'created', md5: '', counters: {}, converted_formats: [] });
    }
    if (method === 'GET' && path === `/api/projects/${PROJECT}/exports/${SNAPSHOT}`) {
      const status = state.snapshotStatuses[Math.min(polls++, state.snapshotStatuses.length - 1)];
      return json(res, 200, { id: SNAPSHOT, status, finished_at: null, counters: { task_number: state.taskNumber } });
    }
    if (method === 'GET' && path === `/api/projects/${PROJECT}/exports/${SNAPSHOT}/download` && url.searchParams.get('exportType') === 'JSON') {
      return streamExport(res);
    }
    if (method === 'GET' && /^\/tasks\/\d+\/presign\/$/.test(path)) {
      const fileuri = Buffer.from(url.searchParams.get('fileuri') ?? '', 'base64url').toString('utf8');
      const key = fileuri.replace(/^[a-z0-9-]+:\/\//, '');
      res.writeHead(303, { Location: `/storage/${key}?X-Amz-Signature=secret-signature`, 'Cache-Control': 'no-store, max-age=0' });
      return void res.end();
    }
    if (method === 'GET' && path.startsWith('/data/')) return serveFile(res, `${path}${url.search}`);
    if (method === 'POST' && path === `/api/projects/${PROJECT}/import`) {
      const tasks = JSON.parse(body) as Array<{ predictions?: unknown[] }>;
      const predictions = tasks.reduce((sum, task) => sum + (task.predictions?.length ?? 0), 0);
      const ids = tasks.map((_task, index) => 100 + index);
      return json(res, 201, { task_count: tasks.length, annotation_count: 0, prediction_count: predictions, duration: 0.01, file_upload_ids: [], could_be_tasks_list: false, found_formats: [], data_columns: [], task_ids: ids });
    }
    json(res, 404, { detail: 'Not found.' });
  }

  function streamExport(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Disposition': 'attachment; filename="project-1.json"' });
    // Several writes, so the client has to stream the body rather than receive it whole.
    const body = Buffer.from(state.exportBody);
    const step = Math.max(1, Math.ceil(body.length / 4));
    for (let i = 0; i < body.length; i += step) res.write(body.subarray(i, i + step));
    res.end();
  }

  function serveFile(res: ServerResponse, key: string): void {
    const file = state.files[key.split('?X-Amz')[0]!];
    if (!file) return json(res, 404, { detail: 'Not found.' });
    res.writeHead(200, { 'Content-Type': 'image/png' });
    res.end(file);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json');
}

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
