import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGitHubRepository, notFound, type Answer } from './fake-github-repository.js';
import { errorJson, type GitHubSite } from './github-json.js';
import { gitHubOpenApi } from './github-openapi.js';
import type { Operation } from './openapi-validator.js';

/** One request as the fake received it: `path` is the raw pathname, `body` the parsed JSON or null. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  /** Each accepted token and the login of its user; any other token gets 401 Bad credentials. */
  tokens: Record<string, string>;
  /** Logins of app accounts, which GitHub gives the user type "Bot". */
  bots?: string[];
  /** Branch tips; every tip (and every merge) is a commit the fake knows. */
  branches: Record<string, string>;
  /** The paths each branch changes against its base; `[path, previous]` is a rename. */
  changedFiles?: Record<string, Array<string | [string, string]>>;
  now: () => Date;
}

/**
 * An in-memory GitHub REST API on 127.0.0.1 for the endpoints the GitHub forge adapter calls
 * (see `FakeGitHubRepository`); it checks tokens and records every request. Every request and
 * every answer (its own or one injected by `answerNext`) is checked against GitHub's OpenAPI
 * description: a violation is recorded in `violations` and answered with a 500 that names it,
 * so the adapter's error surfaces it too.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private readonly repository: FakeGitHubRepository;
  private readonly injected: Array<{ method: string; path: string; answer: Answer }> = [];
  private readonly openApi = gitHubOpenApi();
  private readonly server = createServer((req, res) => void this.handle(req, res));

  private constructor(private readonly options: FakeGitHubOptions) {
    this.repository = new FakeGitHubRepository(options, () => this.site);
  }

  static async start(options: FakeGitHubOptions): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The REST root to give the adapter as `baseUrl`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What the JSON builders need to answer as this fake would. */
  get site(): GitHubSite {
    return { api: this.url, owner: this.options.owner, repo: this.options.repo };
  }

  /** The next `method path` request gets this answer instead of the fake's own (still checked against the description). */
  answerNext(method: string, path: string, status: number, body: unknown): void {
    this.injected.push({ method, path, answer: { status, body } });
  }

  /** The violations so far, which are then forgotten: for tests that provoke one on purpose. */
  takeViolations(): string[] {
    return this.violations.splice(0);
  }

  /** The issue comments of the repository, in GitHub's shape. */
  get comments(): ReadonlyArray<Record<string, unknown>> {
    return this.repository.comments;
  }

  branchSha(branch: string): string {
    return this.repository.branchSha(branch);
  }

  /** Moves a branch to a new commit, as a push would. */
  push(branch: string, sha: string): void {
    this.repository.push(branch, sha);
  }

  /** Adds comments to an issue as `user` would have written them. */
  seedComments(issue: number, bodies: string[], user = 'someone'): void {
    this.repository.seedComments(issue, bodies, user);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const request = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
    this.requests.push({ ...request, body: body ?? null });
    const answer = this.checked(request, req.headers.authorization);
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  /** The answer, unless the request or the answer breaks GitHub's description: then a 500 naming what does. */
  private checked(request: RecordedRequest & { body: unknown }, authorization: string | undefined): Answer {
    const { operation, violations } = this.openApi.checkRequest(request);
    let answer: Answer | undefined;
    try {
      if (violations.length === 0 && operation) answer = this.answer(operation, request, authorization);
    } catch (error) {
      violations.push(error instanceof Error ? error.message : String(error));
    }
    if (answer && operation) violations.push(...this.openApi.checkResponse(operation, answer.status, answer.body));
    if (violations.length === 0 && answer) return answer;
    this.violations.push(...violations);
    return { status: 500, body: { message: `fake GitHub: ${violations.join('; ')}` } };
  }

  private answer(operation: Operation, request: RecordedRequest, authorization: string | undefined): Answer {
    const at = this.injected.findIndex((i) => i.method === request.method && i.path === request.path);
    if (at !== -1) return this.injected.splice(at, 1)[0]!.answer;
    const user = this.options.tokens[authorization?.replace(/^(token|bearer) /i, '') ?? ''];
    if (!user) return { status: 401, body: errorJson(401, 'Bad credentials') };
    const { owner, repo } = operation.params;
    if (owner !== this.options.owner || repo !== this.options.repo) return notFound();
    const route = this.repository.route(request.method, operation.template.replace('/repos/{owner}/{repo}', ''));
    if (!route) throw new Error(`fake GitHub does not implement ${operation.id}`);
    const params = operation.template.match(/\{[^}]+\}/g)!.slice(2).map((name) => operation.params[name.slice(1, -1)]!);
    return route(params, (request.body ?? {}) as Record<string, unknown>, user, request);
  }
}
