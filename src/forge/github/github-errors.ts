import { isCairnError, ForgeError, NotFoundError, type CairnError } from '../../errors.js';

/** A REST call as the adapter describes it, so that a failure can say what was refused and why. */
export interface GitHubCall {
  /** What was being done, as a verb phrase: "merge pull request #3". */
  action: string;
  /** The token permissions the call needs, as a workflow's `permissions:` block spells them. */
  permissions: string;
  /** The message of a 404, naming what is missing. */
  notFound: string;
  /** A more precise error for some answers (a 422 that means a missing branch, say), or undefined. */
  refine?: (failure: HttpFailure) => CairnError | undefined;
}

/** What Octokit's RequestError tells about a failed request; `body` is absent when no answer came. */
export interface HttpFailure {
  status: number;
  method: string;
  url: string;
  body?: unknown;
  /** GitHub's own words: `message`, then each entry of `errors`. */
  message: string;
}

/** Turns whatever a REST call threw into cairn's error vocabulary; unknown throws pass through. */
export function toCairnError(error: unknown, call: GitHubCall): unknown {
  if (isCairnError(error)) return error;
  const failure = readHttpFailure(error);
  if (!failure) return error;
  const refined = call.refine?.(failure);
  if (refined) return refined;
  if (failure.body === undefined) {
    const where = { action: call.action, method: failure.method, url: failure.url };
    return new ForgeError(`could not reach GitHub at ${failure.url} to ${call.action}: ${failure.message}`, where, { cause: error });
  }
  const data = { action: call.action, status: failure.status, method: failure.method, url: failure.url };
  if (failure.status === 403 && /rate limit/i.test(failure.message)) {
    return new ForgeError(`GitHub's rate limit stopped the attempt to ${call.action}: ${failure.message}`, data, { cause: error });
  }
  if (failure.status === 401 || failure.status === 403) {
    return new ForgeError(
      `GitHub refused the token (${failure.status} ${failure.message}) when trying to ${call.action}; ` +
        `the token needs ${call.permissions}`,
      { ...data, permissions: call.permissions },
      { cause: error },
    );
  }
  if (failure.status === 404) return new NotFoundError(call.notFound, { ...data, github: failure.message }, { cause: error });
  return new ForgeError(`GitHub could not ${call.action} (${failure.status}): ${failure.message}`, data, { cause: error });
}

/**
 * Reads an Octokit RequestError without importing its class (it belongs to a transitive
 * dependency). Octokit reports a request that got no answer as status 500 with no `response`.
 */
function readHttpFailure(error: unknown): HttpFailure | null {
  if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number') return null;
  const request = 'request' in error && isRecord(error.request) ? error.request : {};
  const method = typeof request.method === 'string' ? request.method : 'GET';
  const url = typeof request.url === 'string' ? request.url : '(unknown URL)';
  const response = 'response' in error && isRecord(error.response) ? error.response : undefined;
  if (!response) return { status: error.status, method, url, message: error.message };
  const body = response.data ?? '';
  return { status: error.status, method, url, body, message: gitHubMessage(body, error.message) };
}

function gitHubMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string') return body.trim() || fallback;
  if (!isRecord(body) || typeof body.message !== 'string') return fallback;
  const details = (Array.isArray(body.errors) ? body.errors : []).map((entry: unknown) =>
    typeof entry === 'string' ? entry : isRecord(entry) && typeof entry.message === 'string' ? entry.message : JSON.stringify(entry),
  );
  return details.length > 0 ? `${body.message}: ${details.join('; ')}` : body.message;
}

/** The `errors` entries of a 422 answer that are objects, e.g. `{ resource, field, code }`. */
export function validationErrors(failure: HttpFailure): Array<Record<string, unknown>> {
  const errors = isRecord(failure.body) && Array.isArray(failure.body.errors) ? failure.body.errors : [];
  return errors.filter(isRecord);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
