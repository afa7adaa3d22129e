import type { Forge } from './port.js';

/**
 * The forge a command talks to: GitHub inside Actions (or when `CAIRN_FORGE=github`), otherwise
 * the local forge of the repository at `dir`.
 */
export async function forgeFromEnv(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Forge> {
  const wanted = env.CAIRN_FORGE ?? (env.GITHUB_ACTIONS === 'true' ? 'github' : 'local');
  if (wanted === 'github') {
    const { gitHubForgeFromEnv } = await import('./github-forge.js');
    return gitHubForgeFromEnv(env);
  }
  const { LocalForge } = await import('./local-forge.js');
  return new LocalForge({ dir });
}
