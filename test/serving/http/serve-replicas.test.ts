import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { solidPng } from '../../evaluate/contract-model.js';
import { unitsAt } from '../deployer-harness.js';
import { commitFiles, createServingRemote, MODEL, rollout, servingYaml } from '../serving-repo.js';
import { useServeProcesses, type ServeProcess } from './serve-process.js';

const INTERVAL_SECONDS = 0.5;
// The interval, plus reading the commit and opening a model on two shared cores.
const CONVERGE_MS = INTERVAL_SECONDS * 1000 + 2500;

const p = useServeProcesses('cairn-serve-replicas-');

async function servingCommit(server: ServeProcess): Promise<string | null> {
  const answer = await fetch(`${server.url}/readyz`);
  return answer.status === 200 ? ((await answer.json()) as { commit: string }).commit : null;
}

async function versionFor(server: ServeProcess, unit: string, image: Uint8Array): Promise<string | null> {
  const answer = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-unit-id': unit }, body: Buffer.from(image) });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { version: string | null }).version;
}

/** Waits until every replica serves `commit`; returns the milliseconds it took, or throws past CONVERGE_MS. */
async function converge(replicas: ServeProcess[], commit: string): Promise<number> {
  const start = Date.now();
  let serving: Array<string | null> = [];
  while (Date.now() - start < CONVERGE_MS) {
    serving = await Promise.all(replicas.map(servingCommit));
    if (serving.every((c) => c === commit)) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`replicas did not all serve ${commit.slice(0, 12)} within ${CONVERGE_MS} ms: ${serving.map((c) => c?.slice(0, 12)).join(', ')}`);
}

describe('three cairn serve replicas following one remote, each fetching into its own mirror', () => {
  it('each serve a merged promotion and then its revert within the reload interval (+2.5 s to read and open), routing every unit alike', async () => {
    const { cli, work, remote } = await createServingRemote(p.dir, rollout({ production: '1.0.0' }), servingYaml({ reload_interval_seconds: INTERVAL_SECONDS }));
    const replicas = await Promise.all([0, 1, 2].map(() => p.start(join(p.dir, 'nowhere'), ['--model', MODEL, '--remote', remote])));
    const first = (await cli.revParse('HEAD'))!;
    await converge(replicas, first);
    const image = await solidPng([220, 30, 30]);
    const { inside, outside } = unitsAt(25);
    const units = [inside, outside, ...Array.from({ length: 10 }, (_, i) => `tenant-${i}`)];

    const promotion = await commitFiles(work, [rollout({ production: '1.0.0', candidate: { version: '1.2.0', percent: 25 } })], 'Merge promotion: 1.2.0 at 25%');
    await cli.run(['push', '--quiet', 'origin', 'main']);
    const promoted = await converge(replicas, promotion);
    expect(promoted).toBeLessThanOrEqual(CONVERGE_MS);
    for (const unit of units) {
      const versions = await Promise.all(replicas.map((replica) => versionFor(replica, unit, image)));
      expect(new Set(versions).size, unit).toBe(1);
      if (unit === inside) expect(versions[0]).toBe('1.2.0');
      if (unit === outside) expect(versions[0]).toBe('1.0.0');
    }

    await cli.run(['revert', '--no-edit', 'HEAD']);
    await cli.run(['push', '--quiet', 'origin', 'main']);
    const revert = (await cli.revParse('HEAD'))!;
    await converge(replicas, revert);
    for (const unit of units) {
      const versions = await Promise.all(replicas.map((replica) => versionFor(replica, unit, image)));
      expect(versions, unit).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    }
    expect(await Promise.all(replicas.map((replica) => replica.stop('SIGTERM')))).toEqual([0, 0, 0]);
  });
});
