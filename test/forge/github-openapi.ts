import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isObject } from './openapi-schema.js';
import { OpenApiValidator } from './openapi-validator.js';

/** GitHub's published description of api.github.com (OpenAPI 3.0.3), with every `$ref` resolved. */
const DESCRIPTION = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.deref.json');

/**
 * GitHub answers these to any operation, listed or not: 401 for a bad token, 403 for a missing
 * permission or the rate limit, 404 for what does not exist or the token cannot see.
 */
const ANY_OPERATION = [401, 403, 404];
/** Answers GitHub gives that its description leaves out, with what GitHub says. */
const UNLISTED: Record<string, number[]> = {
  // "No commit found for SHA: <sha>"
  'repos/create-commit-status': [422],
};

let loaded: OpenApiValidator | undefined;

/**
 * The validator of GitHub's REST API, read once per test file (vitest isolates modules per
 * file): about 73 MB of JSON, half a second to read and parse.
 */
export function gitHubOpenApi(): OpenApiValidator {
  if (loaded) return loaded;
  const description: unknown = JSON.parse(readFileSync(DESCRIPTION, 'utf8'));
  // The resolved description keeps no components; GitHub's basic-error is the body of any 404 it lists.
  const basicError = lookup(description, ['paths', '/repos/{owner}/{repo}', 'get', 'responses', '404', 'content', 'application/json', 'schema']);
  if (!isObject(description) || !isObject(basicError)) throw new Error(`${DESCRIPTION} is not GitHub's OpenAPI description`);
  loaded = new OpenApiValidator(description, {
    statuses: (operationId) => [...ANY_OPERATION, ...(UNLISTED[operationId] ?? [])],
    schema: basicError,
  });
  return loaded;
}

function lookup(value: unknown, keys: string[]): unknown {
  return keys.reduce((at, key) => (isObject(at) ? at[key] : undefined), value);
}
