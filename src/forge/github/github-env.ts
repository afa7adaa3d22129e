import { requireEnv } from '../../actions/env.js';
import { UsageError } from '../../errors.js';

/** Where GitHub.com's REST API lives; GitHub Enterprise Server sets `GITHUB_API_URL` instead. */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** How to reach one repository on GitHub. */
export interface GitHubForgeOptions {
  /** `GITHUB_TOKEN`, a personal access token or a GitHub App installation token. */
  token: string;
  owner: string;
  repo: string;
  /** REST root; defaults to https://api.github.com (GitHub Enterprise Server: `https://<host>/api/v3`). */
  baseUrl?: string;
  userAgent?: string;
  /** Replaces the HTTP transport (by default @actions/github's proxy-aware fetch); tests pin requests to 127.0.0.1. */
  fetch?: typeof globalThis.fetch;
}

/**
 * The adapter's options inside GitHub Actions. `CAIRN_GITHUB_TOKEN` wins over `GITHUB_TOKEN`:
 * pull requests opened with the workflow's own `GITHUB_TOKEN` trigger no workflows, so a team
 * that needs checks on them configures a GitHub App token or a PAT. Neither variable is set by
 * Actions itself: the workflow passes it through `env:`.
 */
export function gitHubOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubForgeOptions {
  const token = env.CAIRN_GITHUB_TOKEN || env.GITHUB_TOKEN;
  if (!token) {
    const message = 'environment variable GITHUB_TOKEN (or CAIRN_GITHUB_TOKEN) is required to reach GitHub';
    throw new UsageError(message, { variable: 'GITHUB_TOKEN' });
  }
  const repository = requireEnv('GITHUB_REPOSITORY', env);
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    const message = `GITHUB_REPOSITORY must read "owner/repo", not "${repository}"`;
    throw new UsageError(message, { variable: 'GITHUB_REPOSITORY', value: repository });
  }
  return { token, owner, repo, baseUrl: env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL };
}
