import { createHash } from 'node:crypto';
import { repositoryJson, userJson, type GitHubSite } from './github-json.js';

/*
 * Pull requests and what hangs off them (reviews, comments, statuses, files) in GitHub's shape,
 * complete enough for the response schemas of GitHub's OpenAPI description.
 */

type Json = Record<string, unknown>;

/** What the fake knows of a pull request; the rest of GitHub's fields follow from it. */
export interface PullView {
  number: number;
  title: string;
  body: string;
  user: Json;
  labels: Json[];
  state: 'open' | 'closed';
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  merged_by: Json | null;
  /** Of a merged pull request; GitHub gives an open one the sha of its test merge. */
  merge_commit_sha: string | null;
  changed_files: number;
}

const WEB = 'https://github.com';
const href = (url: string) => ({ href: url });

/** A pull-request, which is also a valid pull-request-simple (what the list answers with). */
export function pullJson(site: GitHubSite, p: PullView): Json {
  const repo = `${site.api}/repos/${site.owner}/${site.repo}`;
  const [url, issue, web] = [`${repo}/pulls/${p.number}`, `${repo}/issues/${p.number}`, `${WEB}/${site.owner}/${site.repo}/pull/${p.number}`];
  const side = (end: { ref: string; sha: string }) => ({
    label: `${site.owner}:${end.ref}`, ref: end.ref, sha: end.sha, user: userJson(site, site.owner), repo: repositoryJson(site),
  });
  const testMerge = createHash('sha1').update(`test merge ${p.number}`).digest('hex');
  return {
    url, id: p.number * 1000 + 7, node_id: `PR_${p.number}`, number: p.number, html_url: web, diff_url: `${web}.diff`, patch_url: `${web}.patch`,
    issue_url: issue, commits_url: `${url}/commits`, review_comments_url: `${url}/comments`, review_comment_url: `${repo}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`, statuses_url: `${repo}/statuses/${p.head.sha}`,
    state: p.state, locked: false, title: p.title, body: p.body || null, user: p.user, labels: p.labels,
    milestone: null, active_lock_reason: null, assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
    created_at: p.created_at, updated_at: p.updated_at, closed_at: p.closed_at, merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha ?? (p.state === 'open' ? testMerge : null),
    head: side(p.head), base: side(p.base),
    _links: {
      self: href(url), html: href(web), issue: href(issue), comments: href(`${issue}/comments`), review_comments: href(`${url}/comments`),
      review_comment: href(`${repo}/pulls/comments{/number}`), commits: href(`${url}/commits`), statuses: href(`${repo}/statuses/${p.head.sha}`),
    },
    author_association: 'MEMBER', auto_merge: null, draft: false,
    merged: p.merged_at !== null, mergeable: p.state === 'open' ? true : null, rebaseable: p.state === 'open' ? true : null,
    mergeable_state: p.state === 'open' ? 'clean' : 'unknown', merged_by: p.merged_by,
    comments: 0, review_comments: 0, maintainer_can_modify: false, commits: 1, additions: p.changed_files, deletions: 0, changed_files: p.changed_files,
  };
}

export function reviewJson(
  site: GitHubSite,
  r: { id: number; pull: number; user: Json; body: string; state: string; commit_id: string; submitted_at?: string },
): Json {
  const pull = `${site.api}/repos/${site.owner}/${site.repo}/pulls/${r.pull}`;
  const web = `${WEB}/${site.owner}/${site.repo}/pull/${r.pull}#pullrequestreview-${r.id}`;
  const { pull: _pull, ...fields } = r;
  return { ...fields, node_id: `PRR_${r.id}`, html_url: web, pull_request_url: pull, author_association: 'MEMBER', _links: { html: href(web), pull_request: href(pull) } };
}

export function commentJson(
  site: GitHubSite,
  c: { id: number; issue: number; user: Json; body: string; created_at: string; updated_at: string },
): Json {
  const repo = `${site.api}/repos/${site.owner}/${site.repo}`;
  const { issue, ...fields } = c;
  return {
    ...fields, node_id: `IC_${c.id}`, url: `${repo}/issues/comments/${c.id}`, issue_url: `${repo}/issues/${issue}`,
    html_url: `${WEB}/${site.owner}/${site.repo}/pull/${issue}#issuecomment-${c.id}`, author_association: 'MEMBER',
  };
}

export function statusJson(
  site: GitHubSite,
  s: { id: number; sha: string; state: string; description: string | null; context: string; creator: Json; at: string },
): Json {
  return {
    url: `${site.api}/repos/${site.owner}/${site.repo}/statuses/${s.sha}`, avatar_url: null, id: s.id, node_id: `SC_${s.id}`,
    state: s.state, description: s.description, target_url: null, context: s.context, created_at: s.at, updated_at: s.at, creator: s.creator,
  };
}

/** A diff-entry of `GET /pulls/{n}/files`; `previous_filename` marks a rename. */
export function fileJson(site: GitHubSite, f: { sha: string; filename: string; previous_filename?: string }): Json {
  const path = encodeURI(f.filename);
  return {
    sha: createHash('sha1').update(`blob ${f.filename}`).digest('hex'), filename: f.filename,
    status: f.previous_filename === undefined ? 'modified' : 'renamed', additions: 1, deletions: 1, changes: 2,
    blob_url: `${WEB}/${site.owner}/${site.repo}/blob/${f.sha}/${path}`, raw_url: `${WEB}/${site.owner}/${site.repo}/raw/${f.sha}/${path}`,
    contents_url: `${site.api}/repos/${site.owner}/${site.repo}/contents/${path}?ref=${f.sha}`,
    ...(f.previous_filename === undefined ? {} : { previous_filename: f.previous_filename }),
  };
}
