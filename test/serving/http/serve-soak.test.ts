import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteUploadLog } from '../../../src/serving/sqlite-upload-log.js';
import { solidPng } from '../../evaluate/contract-model.js';
import { makeImage, withPngSize } from '../../helpers/images.js';
import { createServingRepo, MODEL, rollout } from '../serving-repo.js';
import { useServeProcesses } from './serve-process.js';

const UPLOADS = 10_000;
const CLIENTS = 8;
const MAX_BODY = 64 * 1024;

const p = useServeProcesses('cairn-serve-soak-');

/** Resident set size of a process in bytes (Linux /proc). */
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) * 1024;
}

interface Kind {
  name: string;
  body: Uint8Array;
  headers: Record<string, string>;
  status: number;
  rule: string | null;
}

describe('cairn serve under bad input', () => {
  it(`answers ${UPLOADS} mixed bad and good uploads with the right status, stays up, persists only the good, and keeps its memory bounded`, async () => {
    const repository = join(p.dir, 'models');
    await createServingRepo(repository, rollout({ production: '1.0.0' }));
    const logFile = join(p.dir, 'uploads.db');
    const server = await p.start(repository, ['--model', MODEL, '--log', logFile, '--max-body-bytes', String(MAX_BODY)]);
    const good = await solidPng([220, 30, 30], 24, 24);
    const png = { 'content-type': 'image/png', 'x-unit-id': 'user-1' };
    const kinds: Kind[] = [
      { name: 'good', body: good, headers: png, status: 200, rule: null },
      { name: 'zero bytes', body: new Uint8Array(0), headers: png, status: 422, rule: 'image-empty' },
      { name: 'not an image', body: new TextEncoder().encode('hello, this is not an image'), headers: png, status: 422, rule: 'image-format' },
      { name: 'truncated', body: good.subarray(0, 60), headers: png, status: 422, rule: 'image-truncated' },
      { name: 'a decompression bomb', body: withPngSize(await makeImage('png'), 20_000, 20_000), headers: png, status: 422, rule: 'image-pixel-limit' },
      { name: 'over the body limit', body: new Uint8Array(MAX_BODY + 1), headers: png, status: 413, rule: 'body-limit' },
      { name: 'no unit id', body: good, headers: { 'content-type': 'image/png' }, status: 422, rule: 'unit-id-missing' },
      { name: 'json', body: good, headers: { 'content-type': 'application/json', 'x-unit-id': 'u' }, status: 415, rule: 'content-type' },
    ];
    const send = async (i: number): Promise<void> => {
      const kind = kinds[i % kinds.length]!;
      const answer = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: kind.headers, body: Buffer.from(kind.body) });
      const body = (await answer.json()) as { rule?: string };
      if (answer.status !== kind.status || (kind.rule !== null && body.rule !== kind.rule)) {
        throw new Error(`upload ${i} (${kind.name}): ${answer.status} ${JSON.stringify(body)}, expected ${kind.status} ${kind.rule}`);
      }
    };
    const run = async (from: number, to: number): Promise<void> => {
      let next = from;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < to) await send(next++);
        }),
      );
    };

    const warmup = 1_000;
    await run(0, warmup);
    const rssWarm = rssOf(server.child.pid!);
    await run(warmup, UPLOADS);
    const rssEnd = rssOf(server.child.pid!);
    // Generous: a leak of even 10 KB per upload would pass 90 MB over 9,000 uploads.
    expect(rssEnd - rssWarm, `RSS ${Math.round(rssWarm / 2 ** 20)} MB after ${warmup}, ${Math.round(rssEnd / 2 ** 20)} MB after ${UPLOADS}`).toBeLessThan(64 * 2 ** 20);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);

    const log = openSqliteUploadLog(logFile);
    try {
      const records = await log.list({ model: MODEL, limit: UPLOADS });
      expect(records).toHaveLength(UPLOADS / kinds.length);
      expect(records.every((record) => record.unit === 'user-1' && record.version === '1.0.0')).toBe(true);
    } finally {
      await log.close();
    }
  }, 300_000);
});
