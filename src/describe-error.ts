import { CairnError } from './errors.js';
import { redact, secretsFromEnv } from './redact.js';

/**
 * The line a failure is reported with, by the CLI and the workflow entries. Credentials the
 * process holds (`secretsFromEnv`) or that any URL in the text carries are masked: the last line
 * of defence behind the adapters that format URLs into messages.
 */
export function describeError(error: unknown, secrets: readonly string[] = secretsFromEnv()): string {
  return redact(describeUnredacted(error), secrets);
}

function describeUnredacted(error: unknown): string {
  if (error instanceof CairnError) return `cairn: ${error.message} [${error.code}]`;
  if (error instanceof Error) return `cairn: unexpected failure: ${error.stack ?? error.message}`;
  return `cairn: unexpected failure: ${String(error)}`;
}
