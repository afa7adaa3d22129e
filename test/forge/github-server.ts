import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  /** Branch tips; every tip (and every merge) is a commit the fake knows. */
  branches: Record<string, string>;
  now: () => Date;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** `closedHeadSha` is the head when the pull request stopped being open; an open one follows its branch. */
interface Pull {
  number: number; title: string; body: string; user: string; labels: string[];
  state: 'open' | 'closed'; head: string; base: string; closedHeadSha: string;
  created_at: string; updated_at: string; merged_at: string | null; merge_commit_sha: string | null;
}

type Json = Record<string, unknown>;
type Handler = (params: string[], body: Json, user: string, query: Record<string, string>) => Answer;

const DOCS = 'https://docs.github.com/rest';
const REVIEW_STATES: Record<string, string> = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' };
const OWN_PULL_REFUSALS: Record<string, string> = {
  APPROVED: 'Can not approve your own pull request',
  CHANGES_REQUESTED: 'Can not request changes on your own pull request',
};

/**
 * An in-memory GitHub REST API on 127.0.0.1 for the endpoints the GitHub forge adapter calls. It
 * answers with GitHub's field names, status codes and Link-header pagination, keeps comments,
 * reviews and statuses in GitHub's own shape, and records every request it receives.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments: Json[] = [];
  private readonly pulls = new Map<number, Pull>();
  private readonly reviews: Json[] = [];
  private readonly statuses: Json[] = [];
  private readonly branches: Map<string, string>;
  private readonly commits: Set<string>;
  private readonly injected: Array<{ method: string; path: string; answer: Answer }> = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  private constructor(private readonly options: FakeGitHubOptions) {
    this.branches = new Map(Object.entries(options.branches));
    this.commits = new Set(this.branches.values());
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

  /** The next `method path` request gets this answer instead of the fake's own. */
  answerNext(method: string, path: string, status: number, body: unknown): void {
    this.injected.push({ method, path, answer: { status, body } });
  }

  branchSha(branch: string): string {
    const sha = this.branches.get(branch);
    if (!sha) throw new Error(`fake GitHub has no branch ${branch}`);
    return sha;
  }

  /** Adds comments to an issue as `user` would have written them. */
  seedComments(issue: number, bodies: string[], user = 'someone'): void {
    for (const body of bodies) {
      const at = this.stamp();
      const issueUrl = `${this.repoUrl}/issues/${issue}`;
      this.comments.push({ id: this.comments.length + 1, issue_url: issueUrl, body, user: userJson(user), created_at: at, updated_at: at });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private get repoUrl(): string {
    return `${this.url}/repos/${this.options.owner}/${this.options.repo}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : null;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    const answer = this.answer(method, url, (body ?? {}) as Json, req.headers.authorization);
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  private answer(method: string, url: URL, body: Json, authorization: string | undefined): Answer {
    const at = this.injected.findIndex((i) => i.method === method && i.path === url.pathname);
    if (at !== -1) return this.injected.splice(at, 1)[0]!.answer;
    const user = this.options.tokens[authorization?.replace(/^(token|bearer) /i, '') ?? ''];
    if (!user) return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    const prefix = `/repos/${this.options.owner}/${this.options.repo}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return notFound();
    const path = url.pathname.slice(prefix.length);
    for (const [verb, pattern, handler] of this.routes) {
      const match = verb === method ? pattern.exec(path) : null;
      if (match) return handler(match.slice(1).map(decodeURIComponent), body, user, Object.fromEntries(url.searchParams));
    }
    return notFound();
  }

  private readonly routes: Array<[string, RegExp, Handler]> = [
    ['POST', /^\/pulls$/, (_, body, user) => this.createPull(body, user)],
    ['GET', /^\/pulls$/, (_, _body, _user, query) => this.listPulls(query)],
    ['GET', /^\/pulls\/(\d+)$/, ([n]) => this.withPull(n, (pull) => ok(this.pullJson(pull)))],
    ['PATCH', /^\/pulls\/(\d+)$/, ([n], body) => this.withPull(n, (pull) => this.updatePull(pull, body))],
    ['PUT', /^\/pulls\/(\d+)\/merge$/, ([n], body) => this.withPull(n, (pull) => this.merge(pull, body))],
    ['GET', /^\/pulls\/(\d+)\/reviews$/, ([n], _body, _user, query) =>
      this.withPull(n, (pull) => this.page(this.reviews.filter((r) => r.pull_request_url === this.pullUrl(pull)), query))],
    ['POST', /^\/pulls\/(\d+)\/reviews$/, ([n], body, user) => this.withPull(n, (pull) => this.review(pull, body, user))],
    ['POST', /^\/issues\/(\d+)\/labels$/, ([n], body) =>
      this.withPull(n, (pull) => {
        pull.labels = [...new Set([...pull.labels, ...(body.labels as string[])])];
        return ok(pull.labels.map(labelJson));
      })],
    ['DELETE', /^\/issues\/(\d+)\/labels\/([^/]+)$/, ([n, name]) =>
      this.withPull(n, (pull) => {
        if (!pull.labels.includes(name!)) return { status: 404, body: { message: 'Label does not exist', documentation_url: DOCS } };
        pull.labels = pull.labels.filter((label) => label !== name);
        return ok(pull.labels.map(labelJson));
      })],
    ['GET', /^\/issues\/(\d+)\/comments$/, ([n], _body, _user, query) =>
      this.withPull(n, () => this.page(this.comments.filter((c) => c.issue_url === `${this.repoUrl}/issues/${n}`), query))],
    ['POST', /^\/issues\/(\d+)\/comments$/, ([n], body, user) =>
      this.withPull(n, (pull) => {
        this.seedComments(pull.number, [String(body.body)], user);
        return { status: 201, body: this.comments.at(-1) };
      })],
    ['PATCH', /^\/issues\/comments\/(\d+)$/, ([id], body) => {
      const comment = this.comments.find((c) => c.id === Number(id));
      return comment ? ok(Object.assign(comment, { body: String(body.body), updated_at: this.stamp() })) : notFound();
    }],
    ['POST', /^\/statuses\/([^/]+)$/, ([sha], body, user) => this.createStatus(sha!, body, user)],
    ['GET', /^\/commits\/([^/]+)\/statuses$/, ([ref], _body, _user, query) => {
      const url = `${this.repoUrl}/statuses/${this.branches.get(ref!) ?? ref}`;
      return this.page(this.statuses.filter((s) => s.url === url).reverse(), query);
    }],
  ];

  private withPull(number: string | undefined, then: (pull: Pull) => Answer): Answer {
    const pull = this.pulls.get(Number(number));
    return pull ? then(pull) : notFound();
  }

  private createPull(body: Json, user: string): Answer {
    const [head, base] = [String(body.head), String(body.base)];
    const missing = [head, base].findIndex((branch) => !this.branches.has(branch));
    if (missing !== -1) return unprocessable([{ resource: 'PullRequest', field: missing === 0 ? 'head' : 'base', code: 'invalid' }]);
    if ([...this.pulls.values()].some((p) => p.state === 'open' && p.head === head && p.base === base)) {
      const message = `A pull request already exists for ${this.options.owner}:${head}.`;
      return unprocessable([{ resource: 'PullRequest', code: 'custom', message }]);
    }
    const [number, at] = [this.pulls.size + 1, this.stamp()];
    const fields = { title: String(body.title), body: String(body.body ?? ''), head, base, user, created_at: at, updated_at: at };
    const pull: Pull = { ...fields, number, state: 'open', closedHeadSha: '', labels: [], merged_at: null, merge_commit_sha: null };
    this.pulls.set(number, pull);
    return { status: 201, body: this.pullJson(pull) };
  }

  private listPulls(query: Record<string, string>): Answer {
    const state = query.state ?? 'open';
    const pulls = [...this.pulls.values()].filter(
      (p) => (state === 'all' || p.state === state) && (!query.head || `${this.options.owner}:${p.head}` === query.head),
    );
    if (query.direction !== 'asc') pulls.reverse();
    return this.page(pulls.map((pull) => this.pullJson(pull)), query);
  }

  private updatePull(pull: Pull, body: Json): Answer {
    if (body.state === 'closed' && pull.state === 'open') [pull.state, pull.closedHeadSha] = ['closed', this.branchSha(pull.head)];
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') pull.body = body.body;
    pull.updated_at = this.stamp();
    return ok(this.pullJson(pull));
  }

  private merge(pull: Pull, body: Json): Answer {
    if (pull.state !== 'open') return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: DOCS } };
    const headSha = this.branchSha(pull.head);
    const sha = createHash('sha1').update(`${String(body.merge_method)} ${this.branchSha(pull.base)} ${headSha}`).digest('hex');
    this.branches.set(pull.base, sha);
    this.commits.add(sha);
    const at = this.stamp();
    Object.assign(pull, { state: 'closed', closedHeadSha: headSha, merged_at: at, updated_at: at, merge_commit_sha: sha });
    return ok({ sha, merged: true, message: 'Pull Request successfully merged' });
  }

  private review(pull: Pull, body: Json, user: string): Answer {
    const state = REVIEW_STATES[String(body.event)] ?? 'PENDING';
    const refusal = user === pull.user ? OWN_PULL_REFUSALS[state] : undefined;
    if (refusal) return unprocessable([refusal], 'Unprocessable Entity');
    const review = {
      id: this.reviews.length + 1,
      user: userJson(user),
      body: String(body.body ?? ''),
      state,
      commit_id: String(body.commit_id ?? this.branchSha(pull.head)),
      pull_request_url: this.pullUrl(pull),
      ...(state === 'PENDING' ? {} : { submitted_at: this.stamp() }),
    };
    this.reviews.push(review);
    return ok(review);
  }

  private createStatus(sha: string, body: Json, user: string): Answer {
    if (!this.commits.has(sha)) return { status: 422, body: { message: `No commit found for SHA: ${sha}`, documentation_url: DOCS } };
    const status = { url: `${this.repoUrl}/statuses/${sha}`, id: this.statuses.length + 1, state: body.state, context: body.context };
    this.statuses.push({ ...status, description: body.description ?? null, created_at: this.stamp(), creator: userJson(user) });
    return { status: 201, body: this.statuses.at(-1) };
  }

  private pullUrl(pull: Pull): string {
    return `${this.repoUrl}/pulls/${pull.number}`;
  }

  private pullJson(p: Pull): Json {
    const owner = this.options.owner;
    const side = (ref: string, sha: string) => ({ label: `${owner}:${ref}`, ref, sha, user: { login: owner } });
    // Like GitHub, an open pull request carries the sha of its test merge.
    const testMerge = createHash('sha1').update(`test merge ${p.number}`).digest('hex');
    return {
      url: this.pullUrl(p),
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body || null,
      user: userJson(p.user),
      labels: p.labels.map(labelJson),
      created_at: p.created_at,
      updated_at: p.updated_at,
      merged_at: p.merged_at,
      merge_commit_sha: p.merge_commit_sha ?? testMerge,
      head: side(p.head, p.state === 'open' ? this.branchSha(p.head) : p.closedHeadSha),
      base: side(p.base, this.branchSha(p.base)),
    };
  }

  /** GitHub's pagination: `per_page` (at most 100, default 30), `page`, and a Link header naming the next page. */
  private page(items: unknown[], query: Record<string, string>): Answer {
    const size = Math.min(Number(query.per_page ?? 30), 100);
    const page = Number(query.page ?? 1);
    const last = Math.max(1, Math.ceil(items.length / size));
    // Recording and answering happen in one synchronous step, so the last request is this one.
    const path = this.requests.at(-1)!.path;
    const link = (n: number) => `<${this.url}${path}?${new URLSearchParams({ ...query, page: String(n) })}>`;
    const headers: Record<string, string> = page < last ? { link: `${link(page + 1)}; rel="next", ${link(last)}; rel="last"` } : {};
    return { status: 200, body: items.slice((page - 1) * size, page * size), headers };
  }

  /** GitHub's timestamps have no milliseconds. */
  private stamp(): string {
    return this.options.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const userJson = (login: string) => ({ login, id: createHash('sha1').update(login).digest().readUInt32BE(0), type: 'User' });
const labelJson = (name: string) => ({ id: createHash('sha1').update(name).digest().readUInt32BE(0), name, color: 'ededed' });
const notFound = (): Answer => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
const unprocessable = (errors: unknown[], message = 'Validation Failed'): Answer => ({
  status: 422,
  body: { message, errors, documentation_url: DOCS, status: '422' },
});
