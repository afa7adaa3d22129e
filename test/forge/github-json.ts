import { createHash } from 'node:crypto';

/*
 * GitHub's REST objects with every field their schemas in GitHub's OpenAPI description require,
 * for the fake GitHub to answer with. Ids are derived from names so answers are the same each run.
 */

type Json = Record<string, unknown>;

/** Where the fake lives: `api` is its REST root, web pages are on github.com as for real. */
export interface GitHubSite {
  api: string;
  owner: string;
  repo: string;
}

const WEB = 'https://github.com';
export const DOCS = 'https://docs.github.com/rest';

export function idOf(name: string): number {
  return createHash('sha1').update(name).digest().readUInt32BE(0);
}

const nodeId = (kind: string, id: number) => `${kind}_${id.toString(36)}`;

/** A simple-user; an app's account has type "Bot". */
export function userJson(site: GitHubSite, login: string, type: 'User' | 'Bot' = 'User'): Json {
  const id = idOf(`user:${login}`);
  const api = `${site.api}/users/${encodeURIComponent(login)}`;
  return {
    login, id, node_id: nodeId('U', id), type, site_admin: false, gravatar_id: '',
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: api, html_url: `${WEB}/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`, following_url: `${api}/following{/other_user}`, gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`, organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`, received_events_url: `${api}/received_events`,
  };
}

/** The URL fields of a repository and their paths under the repository's API URL. */
const REPOSITORY_URLS: Record<string, string> = {
  assignees_url: 'assignees{/user}', blobs_url: 'git/blobs{/sha}', branches_url: 'branches{/branch}',
  collaborators_url: 'collaborators{/collaborator}', comments_url: 'comments{/number}', commits_url: 'commits{/sha}',
  compare_url: 'compare/{base}...{head}', contents_url: 'contents/{+path}', contributors_url: 'contributors',
  deployments_url: 'deployments', downloads_url: 'downloads', events_url: 'events', forks_url: 'forks',
  git_commits_url: 'git/commits{/sha}', git_refs_url: 'git/refs{/sha}', git_tags_url: 'git/tags{/sha}', hooks_url: 'hooks',
  issue_comment_url: 'issues/comments{/number}', issue_events_url: 'issues/events{/number}', issues_url: 'issues{/number}',
  keys_url: 'keys{/key_id}', labels_url: 'labels{/name}', languages_url: 'languages', merges_url: 'merges',
  milestones_url: 'milestones{/number}', notifications_url: 'notifications{?since,all,participating}', pulls_url: 'pulls{/number}',
  releases_url: 'releases{/id}', stargazers_url: 'stargazers', statuses_url: 'statuses/{sha}', subscribers_url: 'subscribers',
  subscription_url: 'subscription', tags_url: 'tags', teams_url: 'teams', trees_url: 'git/trees{/sha}',
  archive_url: '{archive_format}{/ref}',
};

/** A repository as pull requests embed it in `head.repo` and `base.repo`. */
export function repositoryJson(site: GitHubSite): Json {
  const id = idOf(`repo:${site.owner}/${site.repo}`);
  const api = `${site.api}/repos/${site.owner}/${site.repo}`;
  const web = `${WEB}/${site.owner}/${site.repo}`;
  return {
    ...Object.fromEntries(Object.entries(REPOSITORY_URLS).map(([field, path]) => [field, `${api}/${path}`])),
    id, node_id: nodeId('R', id), name: site.repo, full_name: `${site.owner}/${site.repo}`, owner: userJson(site, site.owner),
    private: true, description: null, fork: false, url: api, html_url: web,
    clone_url: `${web}.git`, git_url: `git://github.com/${site.owner}/${site.repo}.git`, ssh_url: `git@github.com:${site.owner}/${site.repo}.git`,
    svn_url: web, mirror_url: null, homepage: null, language: null, license: null, size: 0, default_branch: 'main',
    forks: 0, forks_count: 0, stargazers_count: 0, watchers: 0, watchers_count: 0, open_issues: 0, open_issues_count: 0,
    has_issues: true, has_projects: false, has_wiki: false, has_pages: false, has_downloads: true, archived: false, disabled: false,
    pushed_at: '2024-01-01T00:00:00Z', created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
  };
}

export function labelJson(site: GitHubSite, name: string): Json {
  const id = idOf(`label:${name}`);
  const url = `${site.api}/repos/${site.owner}/${site.repo}/labels/${encodeURIComponent(name)}`;
  // GitHub answers null for a label without one, but pulls/list's schema wants a string.
  return { id, node_id: nodeId('LA', id), url, name, description: `The ${name} label`, color: 'ededed', default: false };
}

export function errorJson(status: number, message: string, errors?: unknown[]): Json {
  return { message, documentation_url: DOCS, status: String(status), ...(errors ? { errors } : {}) };
}
