import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/artifacts/canonical-json.js';
import { solidPng } from '../../evaluate/contract-model.js';
import { makeImage, withPngSize } from '../../helpers/images.js';
import { commitFiles, createModelRepo, createServingRepo, MODEL, rollout, servingYaml, taxonomy, versionFiles } from '../serving-repo.js';
import { useServeHarness } from './serve-harness.js';

const h = useServeHarness();
const RED = solidPng([220, 30, 30]);
const upload = (body: Uint8Array | string, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/v1/uploads',
  headers: { 'content-type': 'image/png', 'x-unit-id': 'user-1', ...headers },
  payload: Buffer.from(body),
});

describe('cairn serve routes', () => {
  it('POST /v1/uploads runs the model once and answers the record the log holds; GET /v1/uploads/:id reads it back', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start();
    const image = await RED;
    const answer = await app.inject(upload(image, { 'x-upload-id': 'u-42' }));
    expect(answer.statusCode).toBe(200);
    const record = answer.json();
    expect(record).toMatchObject({ id: 'u-42', unit: 'user-1', model: MODEL, version: '1.0.0', role: 'production', accepted: true, image_sha256: sha256Hex(image) });
    expect(record.output.classes[0].label).toBe('red');
    expect(await h.log.get('u-42')).toEqual(record);

    const read = await app.inject({ method: 'GET', url: '/v1/uploads/u-42' });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(record);
    const missing = await app.inject({ method: 'GET', url: '/v1/uploads/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'E_NOT_FOUND', rule: 'upload-unknown' });
  });

  it('accepts each upload content type, and a new id when x-upload-id is absent', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start();
    const image = await RED;
    for (const type of ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream']) {
      const answer = await app.inject(upload(image, { 'content-type': type }));
      expect(answer.statusCode, type).toBe(200);
    }
    expect(h.log.size).toBe(4);
    expect(await h.log.get('upload-4')).not.toBeNull();
  });

  it('GET /metrics exposes the deployer metrics; /healthz answers; /readyz is 200 with the commit serving', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start();
    await app.inject(upload(await RED));
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('cairn_predictions_total{model="colours",version="1.0.0",accepted="true"} 1');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', model: MODEL });
  });

  it('/readyz turns from 503 to 200 when the first rollout state of the model lands', async () => {
    const repo = join(h.dir, 'models');
    await createModelRepo(repo, [taxonomy, servingYaml(), ...versionFiles('1.0.0')]);
    const app = await h.start();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    const commit = await commitFiles(repo, [rollout({ production: '1.0.0' })], 'Merge promotion: 1.0.0');
    expect(await h.deployer!.refresh()).toMatchObject({ outcome: 'loaded' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', model: MODEL, commit });
  });

  it('/readyz is 503 while no rollout state of the model has loaded (an unknown model), while /healthz is up and uploads record unavailable', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start({ deployer: { model: 'unknown-model' } });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: 'E_UNAVAILABLE', rule: 'not-ready' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // An upload is still recorded: nothing could serve it.
    const answer = await app.inject(upload(await RED));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ version: null, accepted: false, fallback_reason: 'unavailable' });
  });
});

describe('cairn serve: bad input gets its status and rule, and nothing is appended', () => {
  it.each([
    ['zero bytes', () => upload(''), 422, 'image-empty'],
    ['not an image', () => upload('hello, not a png'), 422, 'image-format'],
    ['a missing unit id', async () => ({ ...upload(await RED), headers: { 'content-type': 'image/png' } }), 422, 'unit-id-missing'],
    ['an empty unit id', async () => upload(await RED, { 'x-unit-id': '  ' }), 422, 'unit-id-missing'],
    ['a truncated image', async () => upload((await RED).subarray(0, 60)), 422, 'image-truncated'],
    ['an unsupported content type', async () => upload(await RED, { 'content-type': 'application/json' }), 415, 'content-type'],
    ['text', async () => upload('abc', { 'content-type': 'text/plain' }), 415, 'content-type'],
    ['no content type', async () => ({ method: 'POST' as const, url: '/v1/uploads', headers: { 'x-unit-id': 'user-1' }, payload: Buffer.from(await RED) }), 415, 'content-type'],
  ] as const)('%s', async (_name, request, status, rule) => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start();
    const answer = await app.inject(await request());
    expect(answer.statusCode).toBe(status);
    expect(answer.json()).toMatchObject({ rule });
    expect(answer.json().code).toMatch(/^E_/);
    expect(typeof answer.json().message).toBe('string');
    expect(h.log.size).toBe(0);
  });

  it.each([
    ['a body over the limit', { app: { maxBodyBytes: 1024 } }, async () => new Uint8Array(4096), 413, 'body-limit'],
    ['a decompression bomb (a PNG header claiming 20,000 × 20,000) at the default pixel limit', {}, async () => withPngSize(await makeImage('png'), 20_000, 20_000), 422, 'image-pixel-limit'],
    ['an image over a configured pixel limit', { deployer: { maxPixels: 100 } }, () => RED, 422, 'image-pixel-limit'],
  ] as const)('%s is refused, nothing appended', async (_name, options, image, status, rule) => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start(options);
    const answer = await app.inject(upload(await image()));
    expect(answer.statusCode).toBe(status);
    expect(answer.json()).toMatchObject({ code: 'E_INPUT', rule });
    expect(h.log.size).toBe(0);
  });

  it('an upload id already in the log is 409 and the first record stays', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start();
    const first = await app.inject(upload(await RED, { 'x-upload-id': 'same' }));
    const second = await app.inject(upload(await RED, { 'x-upload-id': 'same', 'x-unit-id': 'user-2' }));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'E_WRITE_ONCE', rule: 'upload-id-taken' });
    expect(await h.log.get('same')).toEqual(first.json());
  });

  it('a failure of the log itself is 500 internal, as JSON', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start();
    h.log.get = async () => {
      throw new Error('disk on fire');
    };
    const answer = await app.inject({ method: 'GET', url: '/v1/uploads/any' });
    expect(answer.statusCode).toBe(500);
    expect(answer.json()).toEqual({ code: 'E_INTERNAL', rule: 'internal', message: 'disk on fire' });
  });

  it('an unknown route is 404 route; a wrong method on a known path too', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const app = await h.start();
    for (const request of [{ method: 'GET' as const, url: '/v2/nothing' }, { method: 'GET' as const, url: '/v1/uploads' }]) {
      const answer = await app.inject(request);
      expect(answer.statusCode).toBe(404);
      expect(answer.json()).toMatchObject({ code: 'E_NOT_FOUND', rule: 'route' });
    }
  });
});

describe('POST /v1/refresh (a push webhook)', () => {
  const push = JSON.stringify({ ref: 'refs/heads/main', after: '0'.repeat(40) });
  const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const refresh = (headers: Record<string, string>, payload = push) => ({ method: 'POST' as const, url: '/v1/refresh', headers: { 'content-type': 'application/json', ...headers }, payload });

  it('reads the followed ref at once and answers what it did', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    const app = await h.start();
    const first = h.deployer!.state!.commit;
    expect((await app.inject(refresh({}))).json()).toEqual({ outcome: 'unchanged', commit: first, serving: first, reason: null });
    const promotion = await commitFiles(repo, [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 25 } })], 'Merge promotion: 1.2.0 at 25%');
    const answer = await app.inject(refresh({ 'x-github-event': 'push' }));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ outcome: 'loaded', commit: promotion, serving: promotion, reason: null });
    expect(h.deployer!.state!.commit).toBe(promotion);
  });

  it('with a webhook secret, requires the HMAC-SHA256 of the body in X-Hub-Signature-256 (GitHub form) before it reads anything', async () => {
    const repo = join(h.dir, 'models');
    await createServingRepo(repo, rollout({ production: '1.0.0' }));
    const app = await h.start({ app: { webhookSecret: 'hook-secret-1' } });
    const first = h.deployer!.state!.commit;
    const promotion = await commitFiles(repo, [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 25 } })], 'Merge promotion: 1.2.0 at 25%');
    for (const [why, headers] of [
      ['no signature', {}],
      ['another secret', { 'x-hub-signature-256': sign('other-secret', push) }],
      ['another body', { 'x-hub-signature-256': sign('hook-secret-1', `${push} `) }],
      ['a sha1 form', { 'x-hub-signature-256': 'sha1=00' }],
    ] as const) {
      const refused = await app.inject(refresh(headers));
      expect(refused.statusCode, why).toBe(401);
      expect(refused.json(), why).toMatchObject({ code: 'E_UNAUTHORIZED', rule: 'webhook-signature' });
    }
    expect(h.deployer!.state!.commit).toBe(first);
    const signed = await app.inject(refresh({ 'x-hub-signature-256': sign('hook-secret-1', push) }));
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({ outcome: 'loaded', serving: promotion });
    // GitHub's form-encoded deliveries are signed over the raw form body alike.
    const form = `payload=${encodeURIComponent(push)}`;
    const formAnswer = await app.inject(refresh({ 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': sign('hook-secret-1', form) }, form));
    expect(formAnswer.json()).toMatchObject({ outcome: 'unchanged' });
  });
});
