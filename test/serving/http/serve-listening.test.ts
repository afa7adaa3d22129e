import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { solidPng } from '../../evaluate/contract-model.js';
import { createServingRepo, rollout } from '../serving-repo.js';
import { GatedUploadLog, until } from './gated-upload-log.js';
import { useServeHarness } from './serve-harness.js';

const h = useServeHarness();

async function listen(app: Awaited<ReturnType<typeof h.start>>): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a port');
  return `http://127.0.0.1:${address.port}`;
}

const post = async (base: string, unit: string) =>
  fetch(`${base}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-unit-id': unit }, body: Buffer.from(await solidPng([220, 30, 30])) });

describe('cairn serve on a listening socket', () => {
  it('answers 503 with Retry-After past maxConcurrent uploads in flight, and serves again once they finish', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const log = new GatedUploadLog();
    h.log = log;
    const base = await listen(await h.start({ app: { maxConcurrent: 2, retryAfterSeconds: 3 } }));
    const first = post(base, 'user-1');
    const second = post(base, 'user-2');
    await until(() => log.held === 2);
    const refused = await post(base, 'user-3');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(await refused.json()).toMatchObject({ code: 'E_UNAVAILABLE', rule: 'concurrency-limit' });
    log.open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(log.size).toBe(2);
    const again = await post(base, 'user-3');
    expect(again.status).toBe(200);
    expect(log.size).toBe(3);
  });

  it('an upload whose client hung up keeps its slot until its run ends', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const log = new GatedUploadLog();
    h.log = log;
    const base = await listen(await h.start({ app: { maxConcurrent: 1 } }));
    const hangUp = new AbortController();
    const body = Buffer.from(await solidPng([220, 30, 30]));
    const abandoned = fetch(`${base}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-unit-id': 'user-1' }, body, signal: hangUp.signal });
    await until(() => log.held === 1);
    hangUp.abort();
    await expect(abandoned).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await post(base, 'user-2')).status).toBe(503);
    log.open();
    await until(() => log.size === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await post(base, 'user-3')).status).toBe(200);
  });

  it('close() stops accepting, answers the upload in flight, then closes the deployer and the log', async () => {
    await createServingRepo(join(h.dir, 'models'), rollout({ production: '1.0.0' }));
    const log = new GatedUploadLog();
    h.log = log;
    const app = await h.start();
    const base = await listen(app);
    const inFlight = post(base, 'user-1');
    await until(() => log.held === 1);
    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Not closed while an upload is in flight, and no longer accepting new connections.
    expect(closed).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    log.open();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ unit: 'user-1' });
    await closing;
    expect(log.closed).toBe(true);
    expect(log.size).toBe(1);
    await expect(h.deployer!.processUpload(await solidPng([220, 30, 30]), { unitId: 'user-2' })).rejects.toMatchObject({ code: 'E_UNAVAILABLE', data: { rule: 'shutting-down' } });
  });
});
