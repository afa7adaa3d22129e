import { UsageError } from '../errors.js';

/** A required environment variable of a workflow step, or a usage error naming it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new UsageError(`environment variable ${name} is required by this workflow step`, { variable: name });
  return value;
}
