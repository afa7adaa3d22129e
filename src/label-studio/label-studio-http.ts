import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { LabelStudioError } from '../errors.js';
import { redact, urlUserinfo } from '../redact.js';
import { errorDetail, parseAccessToken, parseJsonAnswer } from './api-answers.js';

/**
 * Label Studio credentials: a legacy token (`Authorization: Token …`), or a personal access
 * token, which is a JWT refresh token exchanged at `/api/token/refresh` for short-lived
 * `Bearer` access tokens.
 */
export type LabelStudioAuth = { kind: 'legacy-token'; token: string } | { kind: 'personal-access-token'; token: string };

export interface LabelStudioHttpOptions {
  /** The server root, e.g. `http://localhost:8080` (a path prefix is kept). */
  baseUrl: string;
  auth: LabelStudioAuth;
  fetch?: typeof globalThis.fetch;
  /** Milliseconds since the epoch; decides when an access token is about to expire. */
  now?: () => number;
  /** Limit for one JSON request; downloads have none. Default 60 s. */
  requestTimeoutMs?: number;
}

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** `manual` returns 3xx answers instead of following them (presigned-URL redirects). */
  redirect?: 'follow' | 'manual';
  /** Abort after this many milliseconds; null for none. */
  timeoutMs?: number | null;
}

const AUTH_NAMES = { 'legacy-token': 'legacy token', 'personal-access-token': 'personal access token' } as const;
/** Refresh an access token this long before its `exp`, so it does not expire in flight. */
const EXPIRY_MARGIN_MS = 10_000;

/** The HTTP layer of the Label Studio client: URLs, credentials, and one error vocabulary. */
export class LabelStudioHttp {
  readonly baseUrl: string;
  private readonly auth: LabelStudioAuth;
  private readonly fetch: typeof globalThis.fetch;
  private readonly now: () => number;
  private readonly requestTimeoutMs: number;
  private access: { token: string; expiresAt: number | null } | null = null;

  constructor(options: LabelStudioHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.auth = options.auth;
    if (urlUserinfo(this.baseUrl) !== null) {
      // fetch refuses such URLs, and a password in a URL ends up in logs: the token is the only credential.
      const shown = this.redact(this.baseUrl);
      throw new LabelStudioError(`the Label Studio URL ${shown} carries a user or password; remove it (cairn authenticates with LABEL_STUDIO_API_KEY)`, { url: shown, rule: 'credentials-in-url' });
    }
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  /**
   * The absolute URL of a server path (`/api/…`, `/data/upload/…`), or `url` when it is already
   * absolute and on this server: credentials are never sent to another host.
   */
  url(pathOrUrl: string): string {
    if (!/^https?:\/\//i.test(pathOrUrl)) return `${this.baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
    if (new URL(pathOrUrl).origin !== new URL(this.baseUrl).origin) {
      throw new LabelStudioError(`${new URL(pathOrUrl).origin} is not the Label Studio server ${this.baseUrl}; its credentials stay there`, {
        url: new URL(pathOrUrl).origin,
        rule: 'foreign-url',
      });
    }
    return pathOrUrl;
  }

  /** `GET` of a URL outside Label Studio, such as a presigned storage URL, without credentials. */
  async getWithoutCredentials(url: string): Promise<Response> {
    // A presigned URL's query is its signature: errors name only the origin.
    const origin = new URL(url).origin;
    let response: Response;
    try {
      response = await this.fetch(url);
    } catch (error) {
      throw this.networkError(error, 'GET', origin);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw this.failure(`${origin} answered HTTP ${response.status} to a presigned URL`, { url: origin, status: response.status, rule: response.status >= 500 ? 'server-error' : 'http-status' });
    }
    return response;
  }

  /**
   * Sends an authenticated request and returns the answer when it is 2xx (or 3xx with a manual
   * redirect). With a personal access token, a 401 on a cached access token refreshes it once.
   *
   * @throws LabelStudioError naming the URL: rule `unreachable`, `timeout`, `auth-refused`
   *   (401/403, naming the kind of token), `server-error` (5xx) or `http-status` (other 4xx).
   */
  async request(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(pathOrUrl);
    const cached = this.access !== null;
    let response = await this.send(method, url, options, await this.authorization());
    if (response.status === 401 && this.auth.kind === 'personal-access-token' && cached) {
      await response.body?.cancel();
      this.access = null;
      response = await this.send(method, url, options, await this.authorization());
    }
    await this.assertAccepted(response, method, url, options);
    return response;
  }

  /** Sends a request and parses the answer as JSON. */
  async json(method: string, path: string, body?: unknown): Promise<{ answer: unknown; url: string }> {
    const url = this.url(path);
    const response = await this.request(method, url, body === undefined ? {} : { body });
    const shown = this.redact(url);
    return { answer: parseJsonAnswer(await response.text(), shown, `${method} ${this.redact(path)}`), url: shown };
  }

  /**
   * Streams the answer to `GET path` into `destination` through a `.partial` file that is renamed
   * only when complete, so a broken download never passes for an export.
   */
  async download(path: string, destination: string): Promise<{ bytes: number; sha256: string }> {
    const url = this.url(path);
    const response = await this.request('GET', url, { timeoutMs: null });
    const partial = `${destination}.partial`;
    const hash = createHash('sha256');
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    try {
      const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
      await pipeline(body, count, createWriteStream(partial));
      await rename(partial, destination);
    } catch (error) {
      await rm(partial, { force: true });
      throw this.failure(`download of ${url} broke off after ${bytes} bytes: ${String(error)}`, { url, rule: 'download-failed', bytes }, { cause: error });
    }
    return { bytes, sha256: hash.digest('hex') };
  }

  private async send(method: string, url: string, options: RequestOptions, authorization: string): Promise<Response> {
    const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const timeoutMs = options.timeoutMs === undefined ? this.requestTimeoutMs : options.timeoutMs;
    try {
      return await this.fetch(url, {
        method,
        headers,
        redirect: options.redirect ?? 'follow',
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(timeoutMs === null ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      });
    } catch (error) {
      throw this.networkError(error, method, url);
    }
  }

  private async assertAccepted(response: Response, method: string, url: string, options: RequestOptions): Promise<void> {
    const { status } = response;
    if ((status >= 200 && status < 300) || (options.redirect === 'manual' && status >= 300 && status < 400)) return;
    const detail = errorDetail(await response.text().catch(() => ''));
    const data = { url, method, status, auth: this.auth.kind };
    if (status === 401 || status === 403) {
      const refusal = `Label Studio refused the ${AUTH_NAMES[this.auth.kind]} for ${method} ${url} (HTTP ${status}: ${detail}); check that the token is current and may use this project`;
      throw this.failure(refusal, { ...data, rule: 'auth-refused' });
    }
    const rule = status >= 500 ? 'server-error' : 'http-status';
    throw this.failure(`Label Studio answered HTTP ${status} to ${method} ${url}: ${detail}`, { ...data, rule });
  }

  private async authorization(): Promise<string> {
    if (this.auth.kind === 'legacy-token') return `Token ${this.auth.token}`;
    if (!this.access || (this.access.expiresAt !== null && this.access.expiresAt - EXPIRY_MARGIN_MS <= this.now())) {
      this.access = await this.refreshAccess();
    }
    return `Bearer ${this.access.token}`;
  }

  /** Exchanges the personal access token for an access token. */
  private async refreshAccess(): Promise<{ token: string; expiresAt: number | null }> {
    const url = this.url('/api/token/refresh');
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refresh: this.auth.token }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw this.networkError(error, 'POST', url);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 401 || response.status === 403 || response.status === 400) {
      const refusal = `Label Studio refused the personal access token at POST ${url} (HTTP ${response.status}: ${errorDetail(text)}); it may be revoked, expired or a legacy token`;
      throw this.failure(refusal, { url, method: 'POST', status: response.status, auth: this.auth.kind, rule: 'auth-refused' });
    }
    if (!response.ok) {
      const rule = response.status >= 500 ? 'server-error' : 'http-status';
      throw this.failure(`Label Studio answered HTTP ${response.status} to POST ${url}: ${errorDetail(text)}`, { url, method: 'POST', status: response.status, rule });
    }
    const shown = this.redact(url);
    const token = parseAccessToken(parseJsonAnswer(text, shown, 'POST /api/token/refresh'), shown);
    return { token, expiresAt: jwtExpiry(token) };
  }

  private networkError(error: unknown, method: string, url: string): LabelStudioError {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return this.failure(`Label Studio did not answer ${method} ${url} in time`, { url, method, rule: 'timeout' }, { cause: error });
    }
    const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error);
    return this.failure(`cannot reach Label Studio at ${url} (${method}): ${code}`, { url, method, rule: 'unreachable', reason: code }, { cause: error });
  }

  /** A `LabelStudioError` whose message and data show no credential: not the token, not a password in a URL. */
  failure(message: string, data: { url: string; rule: string; reason?: string; [key: string]: unknown }, options?: { cause?: unknown }): LabelStudioError {
    const shown = { ...data, url: this.redact(data.url), ...(data.reason === undefined ? {} : { reason: this.redact(data.reason) }) };
    return new LabelStudioError(this.redact(message), shown, options);
  }

  private redact(text: string): string {
    return redact(text, [this.auth.token, this.access?.token]);
  }
}

/** The `exp` of a JWT in milliseconds, or null when the token does not say. */
function jwtExpiry(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}
