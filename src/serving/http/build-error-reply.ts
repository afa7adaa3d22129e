import { isCairnError } from '../../errors.js';

/** The JSON body of every error answer: a stable code, the rule broken, and a message for people. */
export interface ErrorBody {
  code: string;
  rule: string;
  message: string;
}

export interface ErrorReply {
  status: number;
  body: ErrorBody;
}

// Fastify's own errors for what the client sent, by the status it gives them.
const FRAMEWORK_RULES: Record<number, { code: string; rule: string }> = {
  400: { code: 'E_INPUT', rule: 'request' },
  404: { code: 'E_NOT_FOUND', rule: 'route' },
  413: { code: 'E_INPUT', rule: 'body-limit' },
  415: { code: 'E_INPUT', rule: 'content-type' },
};

/**
 * The answer to a failed request: cairn's typed errors by their code (an `InputError` is 422 with its
 * rule, a second record under one id 409, an `UnavailableError` 503), fastify's client errors by their status, anything else 500.
 */
export function buildErrorReply(error: unknown): ErrorReply {
  const message = error instanceof Error ? error.message : String(error);
  if (isCairnError(error)) {
    const rule = typeof error.data.rule === 'string' ? error.data.rule : error.code.toLowerCase();
    switch (error.code) {
      case 'E_INPUT':
      case 'E_SCHEMA':
        return { status: 422, body: { code: error.code, rule, message } };
      case 'E_WRITE_ONCE':
        return { status: 409, body: { code: error.code, rule: 'upload-id-taken', message } };
      case 'E_NOT_FOUND':
        return { status: 404, body: { code: error.code, rule, message } };
      case 'E_UNAVAILABLE':
        return { status: 503, body: { code: error.code, rule, message } };
    }
  }
  const status = statusOf(error);
  const known = status === undefined ? undefined : FRAMEWORK_RULES[status];
  if (status !== undefined && known) return { status, body: { ...known, message } };
  if (status !== undefined && status >= 400 && status < 500) return { status, body: { code: 'E_INPUT', rule: 'request', message } };
  return { status: 500, body: { code: isCairnError(error) ? error.code : 'E_INTERNAL', rule: 'internal', message } };
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = (error as { statusCode: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}
