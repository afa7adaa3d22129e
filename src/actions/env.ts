import { UsageError } from '../errors.js';

/** A required environment variable of a workflow step, or a usage error naming it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new UsageError(`environment variable ${name} is required by this workflow step`, { variable: name });
  return value;
}

/** The remote a workflow step pushes branches to: `origin`, or none when PUSH_REMOTE is set empty. */
export function pushRemoteFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const remote = env.PUSH_REMOTE ?? 'origin';
  return remote === '' ? undefined : remote;
}

/** A positive number of minutes from an environment variable; undefined when unset or empty. */
export function minutesFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const minutes = Number(text);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new UsageError(`${name} must be a positive number of minutes, not "${text}"`, { variable: name });
  return minutes;
}
