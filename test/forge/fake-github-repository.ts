import { createHash } from 'node:crypto';
import { DOCS, errorJson, labelJson, userJson, type GitHubSite } from './github-json.js';
import { commentJson, fileJson, pullJson, reviewJson, statusJson } from './github-pull-json.js';
import type { FakeGitHubOptions } from './github-server.js';

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
type Json = Record<string, unknown>;
/** What a route sees of a request: the raw path (for Link headers) and the query. */
export interface RouteRequest {
  path: string;
  query: Record<string, string>;
}
type Handler = (params: string[], body: Json, user: string, request: RouteRequest) => Answer;

/** `closedHeadSha` is the head when the pull request stopped being open; an open one follows its branch. */
interface Pull {
  number: number; title: string; body: string; user: string; labels: string[];
  state: 'open' | 'closed'; head: string; base: string; closedHeadSha: string;
  created_at: string; updated_at: string; closed_at: string | null;
  merged_at: string | null; merged_by: string | null; merge_commit_sha: string | null;
}

const REVIEW_STATES: Record<string, string> = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' };
const OWN_PULL_REFUSALS: Record<string, string> = {
  APPROVED: 'Can not approve your own pull request',
  CHANGES_REQUESTED: 'Can not request changes on your own pull request',
};

/**
 * One repository of the fake GitHub: branches, pull requests, labels, comments, reviews and
 * statuses, kept in GitHub's own shape and answered as GitHub answers, with its status codes and
 * Link-header pagination. Routes are keyed by method and path template below `/repos/{owner}/{repo}`.
 */
export class FakeGitHubRepository {
  readonly comments: Json[] = [];
  private readonly pulls = new Map<number, Pull>();
  private readonly reviews: Json[] = [];
  private readonly statuses: Json[] = [];
  private readonly branches: Map<string, string>;
  private readonly commits: Set<string>;

  constructor(
    private readonly options: FakeGitHubOptions,
    private readonly siteOf: () => GitHubSite,
  ) {
    this.branches = new Map(Object.entries(options.branches));
    this.commits = new Set(this.branches.values());
  }

  /** The route for `GET /pulls/{pull_number}` and the like, or undefined when the fake has none. */
  route(method: string, template: string): Handler | undefined {
    return this.routes[`${method} ${template}`];
  }

  branchSha(branch: string): string {
    const sha = this.branches.get(branch);
    if (!sha) throw new Error(`fake GitHub has no branch ${branch}`);
    return sha;
  }

  push(branch: string, sha: string): void {
    this.branches.set(branch, sha);
    this.commits.add(sha);
  }

  seedComments(issue: number, bodies: string[], user: string): void {
    for (const body of bodies) {
      const at = this.stamp();
      this.comments.push(commentJson(this.site, { id: this.comments.length + 1, issue, user: this.user(user), body, created_at: at, updated_at: at }));
    }
  }

  private get site(): GitHubSite {
    return this.siteOf();
  }

  private get repoUrl(): string {
    return `${this.site.api}/repos/${this.site.owner}/${this.site.repo}`;
  }

  private readonly routes: Record<string, Handler> = {
    'POST /pulls': (_, body, user) => this.createPull(body, user),
    'GET /pulls': (_, _body, _user, request) => this.listPulls(request),
    'GET /pulls/{pull_number}': ([n]) => this.withPull(n, (pull) => ok(this.pullJson(pull))),
    'PATCH /pulls/{pull_number}': ([n], body) => this.withPull(n, (pull) => this.updatePull(pull, body)),
    'PUT /pulls/{pull_number}/merge': ([n], body, user) => this.withPull(n, (pull) => this.merge(pull, body, user)),
    'GET /pulls/{pull_number}/files': ([n], _body, _user, request) => this.withPull(n, (pull) => this.page(this.files(pull), request)),
    'GET /pulls/{pull_number}/reviews': ([n], _body, _user, request) =>
      this.withPull(n, (pull) => this.page(this.reviews.filter((r) => r.pull_request_url === `${this.repoUrl}/pulls/${pull.number}`), request)),
    'POST /pulls/{pull_number}/reviews': ([n], body, user) => this.withPull(n, (pull) => this.review(pull, body, user)),
    'POST /issues/{issue_number}/labels': ([n], body) =>
      this.withPull(n, (pull) => {
        pull.labels = [...new Set([...pull.labels, ...(body.labels as string[])])];
        return ok(pull.labels.map((name) => labelJson(this.site, name)));
      }),
    'DELETE /issues/{issue_number}/labels/{name}': ([n, name]) =>
      this.withPull(n, (pull) => {
        if (!pull.labels.includes(name!)) return { status: 404, body: errorJson(404, 'Label does not exist') };
        pull.labels = pull.labels.filter((label) => label !== name);
        return ok(pull.labels.map((label) => labelJson(this.site, label)));
      }),
    'GET /issues/{issue_number}/comments': ([n], _body, _user, request) =>
      this.withPull(n, (pull) => this.page(this.comments.filter((c) => c.issue_url === `${this.repoUrl}/issues/${pull.number}`), request)),
    'POST /issues/{issue_number}/comments': ([n], body, user) =>
      this.withPull(n, (pull) => {
        this.seedComments(pull.number, [String(body.body)], user);
        return { status: 201, body: this.comments.at(-1) };
      }),
    'PATCH /issues/comments/{comment_id}': ([id], body) => {
      const comment = this.comments.find((c) => c.id === Number(id));
      return comment ? ok(Object.assign(comment, { body: String(body.body), updated_at: this.stamp() })) : notFound();
    },
    'DELETE /issues/comments/{comment_id}': ([id]) => {
      const at = this.comments.findIndex((c) => c.id === Number(id));
      if (at === -1) return notFound();
      this.comments.splice(at, 1);
      return { status: 204 };
    },
    'POST /statuses/{sha}': ([sha], body, user) => this.createStatus(sha!, body, user),
    'GET /commits/{ref}/statuses': ([ref], _body, _user, request) => {
      const url = `${this.repoUrl}/statuses/${this.branches.get(ref!) ?? ref}`;
      return this.page(this.statuses.filter((s) => s.url === url).reverse(), request);
    },
  };

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
    const unmerged = { closed_at: null, merged_at: null, merged_by: null, merge_commit_sha: null };
    const pull: Pull = { ...fields, ...unmerged, number, state: 'open', closedHeadSha: '', labels: [] };
    this.pulls.set(number, pull);
    return { status: 201, body: this.pullJson(pull) };
  }

  private listPulls(request: RouteRequest): Answer {
    const query = request.query;
    const state = query.state ?? 'open';
    const pulls = [...this.pulls.values()].filter(
      (p) => (state === 'all' || p.state === state) && (!query.head || `${this.options.owner}:${p.head}` === query.head),
    );
    if (query.direction !== 'asc') pulls.reverse();
    return this.page(pulls.map((pull) => this.pullJson(pull)), request);
  }

  private updatePull(pull: Pull, body: Json): Answer {
    const at = this.stamp();
    if (body.state === 'closed' && pull.state === 'open') Object.assign(pull, { state: 'closed', closedHeadSha: this.branchSha(pull.head), closed_at: at });
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') pull.body = body.body;
    pull.updated_at = at;
    return ok(this.pullJson(pull));
  }

  private merge(pull: Pull, body: Json, user: string): Answer {
    if (pull.state !== 'open') return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: DOCS } };
    const headSha = this.branchSha(pull.head);
    if (body.sha !== undefined && body.sha !== headSha) return { status: 409, body: { message: 'Head branch was modified. Review and try the merge again.' } };
    const sha = createHash('sha1').update(`${String(body.merge_method)} ${this.branchSha(pull.base)} ${headSha}`).digest('hex');
    this.push(pull.base, sha);
    const at = this.stamp();
    Object.assign(pull, { state: 'closed', closedHeadSha: headSha, closed_at: at, merged_at: at, merged_by: user, updated_at: at, merge_commit_sha: sha });
    return ok({ sha, merged: true, message: 'Pull Request successfully merged' });
  }

  private review(pull: Pull, body: Json, user: string): Answer {
    const state = REVIEW_STATES[String(body.event)] ?? 'PENDING';
    const refusal = user === pull.user ? OWN_PULL_REFUSALS[state] : undefined;
    if (refusal) return unprocessable([refusal], 'Unprocessable Entity');
    const review = reviewJson(this.site, {
      id: this.reviews.length + 1,
      pull: pull.number,
      user: this.user(user),
      body: String(body.body ?? ''),
      state,
      commit_id: String(body.commit_id ?? this.branchSha(pull.head)),
      ...(state === 'PENDING' ? {} : { submitted_at: this.stamp() }),
    });
    this.reviews.push(review);
    return ok(review);
  }

  private createStatus(sha: string, body: Json, user: string): Answer {
    if (!this.commits.has(sha)) return { status: 422, body: errorJson(422, `No commit found for SHA: ${sha}`) };
    const fields = { state: String(body.state), description: typeof body.description === 'string' ? body.description : null, context: String(body.context ?? 'default') };
    this.statuses.push(statusJson(this.site, { ...fields, id: this.statuses.length + 1, sha, creator: this.user(user), at: this.stamp() }));
    return { status: 201, body: this.statuses.at(-1) };
  }

  private files(pull: Pull): Json[] {
    const sha = pull.state === 'open' ? this.branchSha(pull.head) : pull.closedHeadSha;
    return (this.options.changedFiles?.[pull.head] ?? []).map((entry) =>
      typeof entry === 'string' ? fileJson(this.site, { sha, filename: entry }) : fileJson(this.site, { sha, filename: entry[0], previous_filename: entry[1] }),
    );
  }

  private user(login: string): Json {
    return userJson(this.site, login, this.options.bots?.includes(login) ? 'Bot' : 'User');
  }

  private pullJson(p: Pull): Json {
    const head = { ref: p.head, sha: p.state === 'open' ? this.branchSha(p.head) : p.closedHeadSha };
    const { state, title, body, number, created_at, updated_at, closed_at, merged_at, merge_commit_sha } = p;
    return pullJson(this.site, {
      number, state, title, body, created_at, updated_at, closed_at, merged_at, merge_commit_sha, head,
      base: { ref: p.base, sha: this.branchSha(p.base) },
      user: this.user(p.user),
      labels: p.labels.map((name) => labelJson(this.site, name)),
      merged_by: p.merged_by === null ? null : this.user(p.merged_by),
      changed_files: this.options.changedFiles?.[p.head]?.length ?? 0,
    });
  }

  /** GitHub's pagination: `per_page` (at most 100, default 30), `page`, and a Link header naming the next page. */
  private page(items: unknown[], { path, query }: RouteRequest): Answer {
    const size = Math.min(Number(query.per_page ?? 30), 100);
    const page = Number(query.page ?? 1);
    const last = Math.max(1, Math.ceil(items.length / size));
    const link = (n: number) => `<${this.site.api}${path}?${new URLSearchParams({ ...query, page: String(n) })}>`;
    const headers: Record<string, string> = page < last ? { link: `${link(page + 1)}; rel="next", ${link(last)}; rel="last"` } : {};
    return { status: 200, body: items.slice((page - 1) * size, page * size), headers };
  }

  /** GitHub's timestamps have no milliseconds. */
  private stamp(): string {
    return this.options.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

const ok = (body: unknown): Answer => ({ status: 200, body });
export const notFound = (): Answer => ({ status: 404, body: errorJson(404, 'Not Found') });
const unprocessable = (errors: unknown[], message = 'Validation Failed'): Answer => ({ status: 422, body: errorJson(422, message, errors) });
