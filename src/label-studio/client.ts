import { parseImportSummary, parseProject, parseSnapshot, type ImportSummary, type LabelStudioProject } from './api-answers.js';
import { LabelStudioHttp, type LabelStudioAuth, type LabelStudioHttpOptions } from './label-studio-http.js';

export type { LabelStudioAuth } from './label-studio-http.js';

export interface LabelStudioClientOptions extends LabelStudioHttpOptions {
  /** Projects with more tasks than this are exported through a snapshot. Default 5,000. */
  snapshotTaskLimit?: number;
  /** Between polls of a snapshot's status. Default 2 s. */
  pollIntervalMs?: number;
  /** Give up on a snapshot that is not done after this long. Default 30 min. */
  exportTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A finished export on disk. */
export interface ExportDownload {
  method: 'quick' | 'snapshot';
  path: string;
  bytes: number;
  sha256: string;
  /** The snapshot's id; null for a quick export. */
  exportId: number | null;
}

/** Where a cloud-storage URI is presigned: for one task, or project-wide. */
export type PresignScope = { taskId: number } | { projectId: number };

/**
 * A client for the parts of Label Studio's API cairn uses: projects, exports (quick or snapshot),
 * presigned storage URLs, server files and task import. All traffic goes through the injected
 * `fetch`; time through `now` and `sleep`.
 */
export class LabelStudioClient {
  private readonly http: LabelStudioHttp;
  private readonly options: Required<Pick<LabelStudioClientOptions, 'snapshotTaskLimit' | 'pollIntervalMs' | 'exportTimeoutMs' | 'now' | 'sleep'>>;

  constructor(options: LabelStudioClientOptions) {
    this.http = new LabelStudioHttp(options);
    this.options = {
      snapshotTaskLimit: options.snapshotTaskLimit ?? 5_000,
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      exportTimeoutMs: options.exportTimeoutMs ?? 30 * 60_000,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** `GET /api/projects/{id}/`. */
  async getProject(projectId: number): Promise<LabelStudioProject> {
    const { answer, url } = await this.http.json('GET', `/api/projects/${projectId}/`);
    return parseProject(answer, url);
  }

  /**
   * Exports every task of a project as Label Studio JSON into `destination`: a quick export for a
   * project of up to `snapshotTaskLimit` tasks, an export snapshot above that (the quick export
   * builds the whole file in one request and times out on large projects).
   */
  async exportProject(projectId: number, destination: string): Promise<ExportDownload> {
    const project = await this.getProject(projectId);
    return project.taskNumber > this.options.snapshotTaskLimit ? this.snapshotExport(projectId, destination) : this.quickExport(projectId, destination);
  }

  /** `GET /api/projects/{id}/export?exportType=JSON&download_all_tasks=true`, streamed to `destination`. */
  async quickExport(projectId: number, destination: string): Promise<ExportDownload> {
    const saved = await this.http.download(`/api/projects/${projectId}/export?exportType=JSON&download_all_tasks=true`, destination);
    return { method: 'quick', path: destination, ...saved, exportId: null };
  }

  /**
   * Creates an export snapshot (`POST /api/projects/{id}/exports/`), polls it until it is
   * `completed`, and streams its JSON download to `destination`.
   *
   * @throws LabelStudioError with rule `export-failed` or `export-timeout`.
   */
  async snapshotExport(projectId: number, destination: string): Promise<ExportDownload> {
    const title = `cairn ${new Date(this.options.now()).toISOString()}`;
    const created = await this.http.json('POST', `/api/projects/${projectId}/exports/`, { title });
    let snapshot = parseSnapshot(created.answer, created.url);
    const detail = `/api/projects/${projectId}/exports/${snapshot.id}`;
    const deadline = this.options.now() + this.options.exportTimeoutMs;
    while (snapshot.status !== 'completed') {
      if (snapshot.status === 'failed') {
        throw this.http.failure(`Label Studio export snapshot ${snapshot.id} of project ${projectId} failed`, { url: this.http.url(detail), rule: 'export-failed', exportId: snapshot.id });
      }
      if (this.options.now() >= deadline) {
        const waited = `${Math.round(this.options.exportTimeoutMs / 1000)} s`;
        throw this.http.failure(`export snapshot ${snapshot.id} of project ${projectId} was still ${snapshot.status} after ${waited}`, { url: this.http.url(detail), rule: 'export-timeout', exportId: snapshot.id });
      }
      await this.options.sleep(this.options.pollIntervalMs);
      const polled = await this.http.json('GET', detail);
      snapshot = parseSnapshot(polled.answer, polled.url);
    }
    const saved = await this.http.download(`${detail}/download?exportType=JSON`, destination);
    return { method: 'snapshot', path: destination, ...saved, exportId: snapshot.id };
  }

  /**
   * The presigned URL of a cloud-storage URI (`s3://…`, `gs://…`, `azure-blob://…`), from Label
   * Studio's resolver `GET /tasks/{id}/presign/?fileuri=<base64>`, which answers with a redirect.
   *
   * @throws LabelStudioError with rule `no-presigned-url` when the storage proxies bytes instead.
   */
  async presign(taskId: number, fileuri: string): Promise<string> {
    const response = await this.http.request('GET', presignPath({ taskId }, fileuri), { redirect: 'manual' });
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (response.status >= 300 && location) return new URL(location, this.http.url('/')).toString();
    throw this.http.failure(`Label Studio gave no presigned URL for ${fileuri} (task ${taskId}); the storage may proxy its files`, {
      url: this.http.url(presignPath({ taskId }, fileuri)),
      rule: 'no-presigned-url',
    });
  }

  /**
   * Opens a cloud-storage file through Label Studio: follows the presign redirect without
   * sending Label Studio's credentials to the storage, or reads the bytes Label Studio proxies.
   */
  async openStorageFile(scope: PresignScope, fileuri: string): Promise<Response> {
    const response = await this.http.request('GET', presignPath(scope, fileuri), { redirect: 'manual', timeoutMs: null });
    const location = response.headers.get('location');
    if (response.status < 300 || !location) return response;
    await response.body?.cancel();
    return this.http.getWithoutCredentials(new URL(location, this.http.url('/')).toString());
  }

  /** `GET` of a file Label Studio serves itself (`/data/upload/…`, `/data/local-files/?d=…`), with credentials. */
  async openServerFile(pathOrUrl: string): Promise<Response> {
    return this.http.request('GET', pathOrUrl, { timeoutMs: null });
  }

  /** `POST /api/projects/{id}/import` of task objects (with `data` and optional `predictions`). */
  async importTasks(projectId: number, tasks: readonly unknown[]): Promise<ImportSummary> {
    const { answer, url } = await this.http.json('POST', `/api/projects/${projectId}/import?return_task_ids=true`, tasks);
    return parseImportSummary(answer, url);
  }
}

/** Label Studio decodes `fileuri` with Python's `urlsafe_b64decode`, which needs the `=` padding. */
export function presignPath(scope: PresignScope, fileuri: string): string {
  const encoded = Buffer.from(fileuri, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const base = 'taskId' in scope ? `/tasks/${scope.taskId}/presign/` : `/projects/${scope.projectId}/presign/`;
  return `${base}?fileuri=${encodeURIComponent(encoded)}`;
}

/** Chooses the credentials a token needs: personal access tokens are JWTs, legacy tokens are hex. */
export function authForToken(token: string): LabelStudioAuth {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token) ? { kind: 'personal-access-token', token } : { kind: 'legacy-token', token };
}
