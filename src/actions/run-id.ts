import { randomUUID } from 'node:crypto';

/** The id recorded in each commit's Cairn-Run trailer: the Actions run when there is one. */
export function runIdFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_RUN_ID) return `${env.GITHUB_RUN_ID}.${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
  return `local-${randomUUID()}`;
}
