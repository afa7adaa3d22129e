import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteUploadLog } from '../../../src/serving/sqlite-upload-log.js';
import { solidPng } from '../../evaluate/contract-model.js';
import { commitFiles, createServingRemote, createServingRepo, MODEL, rollout } from '../serving-repo.js';
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

  it('keeps its upload log in .cairn/uploads.sqlite by default, follows --remote, and refreshes on a signed webhook', async () => {
    const { cli, work, remote } = await createServingRemote(p.dir, rollout({ production: '1.0.0' }));
    const server = await p.start(join(p.dir, 'nowhere'), ['--model', MODEL, '--remote', remote], { CAIRN_WEBHOOK_SECRET: 'hook-secret-2' });
    const dataDir = join(p.dir, 'serve-1', '.cairn');
    expect(server.stdout()).toContain(`upload log ${join(dataDir, 'uploads.sqlite')}`);
    const answer = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-unit-id': 'user-1', 'x-upload-id': 'cli-2' }, body: Buffer.from(await solidPng([220, 30, 30])) });
    expect(answer.status).toBe(200);

    const promotion = await commitFiles(work, [rollout({ production: '1.1.0', previous: '1.0.0' })], 'Merge promotion: 1.1.0');
    await cli.run(['push', '--quiet', 'origin', 'main']);
    const body = JSON.stringify({ ref: 'refs/heads/main', after: promotion });
    const hook = (signature: string) => fetch(`${server.url}/v1/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
    expect((await hook('sha256=00')).status).toBe(401);
    const signed = await hook(`sha256=${createHmac('sha256', 'hook-secret-2').update(body).digest('hex')}`);
    expect(await signed.json()).toEqual({ outcome: 'loaded', commit: promotion, serving: promotion, reason: null });
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stderr()).not.toContain('hook-secret-2');

    const log = openSqliteUploadLog(join(dataDir, 'uploads.sqlite'));
    try {
      expect(await log.get('cli-2')).toMatchObject({ version: '1.0.0' });
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
