import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteUploadLog } from '../../../src/serving/sqlite-upload-log.js';
import { solidPng } from '../../evaluate/contract-model.js';
import { createServingRepo, MODEL, rollout } from '../serving-repo.js';
import { useServeProcesses } from './serve-process.js';

const p = useServeProcesses('cairn-serve-cli-');

describe('cairn serve (a child process)', () => {
  it('answers /readyz and an upload, records it in the SQLite log, and exits 0 on SIGTERM', async () => {
    const repository = join(p.dir, 'models');
    await createServingRepo(repository, rollout({ production: '1.0.0' }));
    const logFile = join(p.dir, 'uploads.db');
    const server = await p.start(repository, ['--model', MODEL, '--log', logFile, '--max-pixels', '1000']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const answer = await fetch(`${server.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-unit-id': 'user-1', 'x-upload-id': 'cli-1' },
      body: Buffer.from(await solidPng([220, 30, 30])),
    });
    expect(answer.status).toBe(200);
    const record = (await answer.json()) as { version: string; output: { classes: Array<{ label: string }> } };
    expect(record.version).toBe('1.0.0');
    expect(record.output.classes[0]!.label).toBe('red');
    expect((await fetch(`${server.url}/v1/uploads/cli-1`)).status).toBe(200);
    // --max-pixels 1000: a 24 × 24 image passes, a 40 × 40 one does not.
    const large = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-unit-id': 'user-1' }, body: Buffer.from(await solidPng([220, 30, 30], 40, 40)) });
    expect(large.status).toBe(422);
    expect(await large.json()).toMatchObject({ rule: 'image-pixel-limit' });
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stdout()).toContain('cairn serve: stopped');
    const log = openSqliteUploadLog(logFile);
    try {
      expect(await log.get('cli-1')).toEqual(record);
    } finally {
      await log.close();
    }
  });

  it('refuses a bad --port with exit code 2 (usage)', async () => {
    const repository = join(p.dir, 'models');
    await createServingRepo(repository, rollout({ production: '1.0.0' }));
    await expect(p.start(repository, ['--model', MODEL, '--port', '70000'])).rejects.toThrow(/exited with 2/);
  });
});
