import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { InputError, NotFoundError, UnavailableError } from '../../errors.js';
import type { Deployer } from '../create-deployer.js';
import type { UploadLog } from '../upload-record.js';
import { buildErrorReply, type ErrorBody } from './build-error-reply.js';

/** The content types an upload may have: the image formats the deployer decodes, or raw bytes. */
export const UPLOAD_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'] as const;

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT = 64;

export interface ServeAppOptions {
  deployer: Deployer;
  /** The log the deployer appends to; `GET /v1/uploads/:id` reads it. */
  log: UploadLog;
  /** The registry `GET /metrics` exposes (default the deployer's). */
  metricsRegistry?: Registry;
  /** Uploads larger than this are refused with 413 before the deployer sees them (default 20 MiB). */
  maxBodyBytes?: number;
  /** Uploads in flight beyond this are refused with 503 and `Retry-After` (default 64). */
  maxConcurrent?: number;
  /** The `Retry-After` of a refused upload, in seconds (default 1). */
  retryAfterSeconds?: number;
  /**
   * The secret of the repository's webhook: `POST /v1/refresh` then requires its HMAC-SHA256 of the
   * body in `X-Hub-Signature-256` (GitHub's form). Without it, anyone who reaches the port can ask
   * for a refresh (refreshes are coalesced and only read the followed ref).
   */
  webhookSecret?: string;
}

/**
 * The `cairn serve` HTTP app (fastify): `POST /v1/uploads`, `GET /v1/uploads/:id`, `POST /v1/refresh`
 * (a push webhook), `GET /metrics`, `GET /healthz`, `GET /readyz`. Errors are JSON `{ code, rule, message }`. `close()` stops accepting,
 * lets the uploads in flight finish and be answered, then closes the deployer and the log.
 */
export function createServeApp(options: ServeAppOptions): FastifyInstance {
  const { deployer, log } = options;
  const registry = options.metricsRegistry ?? deployer.metrics.registry;
  const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  // forceCloseConnections 'idle': close() ends idle keep-alive sockets and waits for busy ones.
  const app = Fastify({ logger: false, bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, forceCloseConnections: 'idle', return503OnClosing: true });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...UPLOAD_CONTENT_TYPES], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, _request, reply) => sendError(reply, buildErrorReply(error)));
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, buildErrorReply(new NotFoundError(`no route ${request.method} ${request.url}`, { rule: 'route' }))),
  );

  // Counted from the first byte, so a refused upload is answered before its body is read, and
  // until its model run ends: a client that hangs up does not free a slot its upload still uses.
  let inFlight = 0;
  const counted = new WeakSet<FastifyRequest>();
  const running = new WeakSet<FastifyRequest>();
  const leave = async (request: FastifyRequest): Promise<void> => {
    if (counted.delete(request)) inFlight--;
  };

  app.post(
    '/v1/uploads',
    {
      onRequest: async (request, reply) => {
        if (inFlight >= maxConcurrent) {
          reply.header('retry-after', retryAfter);
          return sendError(reply, buildErrorReply(new UnavailableError(`${maxConcurrent} uploads are in flight; retry after ${retryAfter} s`, { rule: 'concurrency-limit' })));
        }
        inFlight++;
        counted.add(request);
        return undefined;
      },
      onResponse: leave,
      onRequestAbort: async (request) => {
        if (!running.has(request)) await leave(request);
      },
    },
    async (request) => {
      if (!(request.body instanceof Uint8Array)) throw new InputError('the upload has no body: send the image bytes', { rule: 'image-empty' });
      const unitId = header(request, 'x-unit-id') ?? '';
      const id = header(request, 'x-upload-id');
      running.add(request);
      try {
        return await deployer.processUpload(request.body, { unitId, ...(id === undefined ? {} : { id }) });
      } finally {
        running.delete(request);
        await leave(request);
      }
    },
  );

  app.get<{ Params: { id: string } }>('/v1/uploads/:id', async (request) => {
    const record = await log.get(request.params.id);
    if (!record) throw new NotFoundError(`no upload ${request.params.id} in the log`, { rule: 'upload-unknown', id: request.params.id });
    return record;
  });

  // The webhook's own scope: its JSON or form bodies are read raw, to check their signature, and the
  // upload route keeps refusing those content types with 415.
  void app.register(async (scope) => {
    scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post('/v1/refresh', async (request, reply) => {
      if (options.webhookSecret !== undefined) {
        const body = request.body instanceof Uint8Array ? request.body : new Uint8Array();
        const refusal = checkSignature(options.webhookSecret, body, header(request, 'x-hub-signature-256'));
        if (refusal) return sendError(reply, { status: 401, body: { code: 'E_UNAUTHORIZED', rule: 'webhook-signature', message: refusal } });
      }
      const event = await deployer.refresh();
      return { outcome: event.outcome, commit: event.commit, serving: event.serving, reason: event.reason };
    });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const state = deployer.state;
    if (state?.rollout) return { status: 'ready', model: deployer.model, commit: state.commit };
    const why = state ? `no rollout state of ${deployer.model} at ${state.commit.slice(0, 12)}` : `no valid state of ${deployer.model} has loaded`;
    return sendError(reply, buildErrorReply(new UnavailableError(why, { rule: 'not-ready' })));
  });

  // Answers sent while closing end their connection, so a keep-alive client cannot hold close() open.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    // The deployer waits for its uploads in flight before closing their sessions.
    await deployer.close();
    await log.close();
  });
  return app;
}

function sendError(reply: FastifyReply, answer: { status: number; body: ErrorBody }): FastifyReply {
  return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
}

/** Why `signature` (`sha256=<hex>`) is not the HMAC-SHA256 of `body` under `secret`, or null when it is. */
function checkSignature(secret: string, body: Uint8Array, signature: string | undefined): string | null {
  if (signature === undefined) return 'the refresh has no X-Hub-Signature-256 header, and this server has a webhook secret';
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'X-Hub-Signature-256 is not the HMAC-SHA256 of the body under the webhook secret';
  return null;
}

/** A header's value (node joins a repeated custom header into one string). */
function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
