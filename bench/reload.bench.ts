// Reload latency and safety under load: the `cairn serve` app and its deployer in this process
// (`refresh()` must be called on the deployer, as the webhook path does; no interval), 16 autocannon
// connections posting 256×256 demo PNGs throughout, while the followed branch moves 100 times between
// production 1.0.0 and 1.1.0 (a promotion and its revert: each move opens the other version's
// session and retires one). A reload is timed from its commit landing (`git commit` returned) to
// `refresh()` resolving `loaded` with the deployer serving that commit. Autocannon shares this event
// loop with the server, so reload times include the load's own work: a pessimistic measure.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { contentBytes } from '../src/store/commit-files.js';
import { createDeployer, type Deployer } from '../src/serving/create-deployer.js';
import { createServeApp } from '../src/serving/http/create-serve-app.js';
import { MemoryUploadLog } from '../src/serving/memory-upload-log.js';
import { createDemoServingRepo, DEMO_MODEL, readDemoUploads, type DemoServingRepo, type DemoVersion } from './demo-serving-repo.js';
import type { Bench } from './types.js';

const CONNECTIONS = 16;
// Between moves, so each state serves uploads before the next.
const PAUSE_MS = 100;

export const bench: Bench = async ({ quick }) => {
  const moves = quick ? 10 : 100;
  const root = await mkdtemp(join(tmpdir(), 'cairn-bench-reload-'));
  let app: FastifyInstance | null = null;
  try {
    const repo = await createDemoServingRepo(root);
    const uploads = await readDemoUploads(64);
    const log = new MemoryUploadLog();
    const deployer = await createDeployer({ repository: root, ref: 'main', model: DEMO_MODEL, log, watch: false, registry: new Registry() });
    app = createServeApp({ deployer, log, maxConcurrent: 256 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };

    let next = 0;
    let unserved = 0;
    const load = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      duration: 3600, // stopped after the last move
      requests: [
        {
          setupRequest: () => {
            const i = next++;
            return { method: 'POST', path: '/v1/uploads', headers: { 'content-type': 'image/png', 'x-unit-id': `user-${i % 10_000}` }, body: uploads[i % uploads.length]! };
          },
          // A 200 that no version served (the deployer between states) fails the upload too.
          onResponse: (status, body) => {
            if (status === 200 && (JSON.parse(body) as { version: string | null }).version === null) unserved++;
          },
        },
      ],
    });
    await sleep(1000);

    const reloads: number[] = [];
    const started = performance.now();
    for (let move = 0; move < moves; move++) {
      const production: DemoVersion = move % 2 === 0 ? '1.1.0' : '1.0.0';
      reloads.push(await moveAndReload(repo, root, deployer, production, move % 2 === 0 ? '1.0.0' : '1.1.0'));
      await sleep(PAUSE_MS);
    }
    const seconds = (performance.now() - started) / 1000;
    load.stop();
    const result = await load;

    const sorted = [...reloads].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
    const failed = result.errors + result.timeouts + result.non2xx + unserved;
    return {
      name: 'reload',
      figures: [
        { label: `reload p50 (${moves} moves)`, value: at(0.5), unit: 'ms' },
        { label: 'reload max', value: sorted[sorted.length - 1]!, unit: 'ms', target: '<= 1000', ok: sorted[sorted.length - 1]! <= 1000 },
        { label: 'failed uploads (errors, timeouts, non-2xx, served by no version)', value: failed, unit: '', target: '= 0', ok: failed === 0 },
        { label: 'uploads served', value: result['2xx'] - unserved, unit: '' },
      ],
      notes: [
        `${CONNECTIONS} connections throughout, ${PAUSE_MS} ms between moves; ${moves} moves in ${seconds.toFixed(1)} s (the load ran ${result.duration.toFixed(1)} s in all, 1 s before the first move); reload p90 ${at(0.9).toFixed(0)} ms; first three ${reloads.slice(0, 3).map((r) => r.toFixed(0)).join(', ')} ms; slowest five ${sorted.slice(-5).map((r) => r.toFixed(0)).join(', ')} ms`,
        `upload p50 / p99 ${result.latency.p50} / ${result.latency.p99} ms; errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, served by no version ${unserved}`,
      ],
    };
  } finally {
    await app?.close(); // closes the deployer and the log
    await rm(root, { recursive: true, force: true });
  }
};

/** Commits the rollout with `production` serving, then times `refresh()` from the commit landing to it serving. */
async function moveAndReload(repo: DemoServingRepo, root: string, deployer: Deployer, production: DemoVersion, previous: DemoVersion): Promise<number> {
  const file = repo.rollout({ production, previous });
  await writeFile(join(root, file.path), contentBytes(file.content));
  await repo.cli.run(['commit', '--quiet', '-m', `production ${production}`, '--', file.path]);
  const landed = performance.now();
  const [event, commit] = await Promise.all([deployer.refresh(), repo.cli.revParse('HEAD')]);
  const took = performance.now() - landed;
  if (event.outcome !== 'loaded' || event.commit !== commit || deployer.state?.commit !== commit) {
    throw new Error(`the move to production ${production} did not load: ${event.outcome} ${event.commit?.slice(0, 12)} (${event.reason ?? 'no reason'}), serving ${deployer.state?.commit.slice(0, 12)}`);
  }
  return took;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
