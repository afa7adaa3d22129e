// `cairn serve` under load: autocannon, 32 connections on loopback, POST /v1/uploads of 256×256 demo
// PNGs (an x-unit-id per request) to the built-in demo model, against the bare throughput of the
// same work in this process: `preprocessImage` + onnxruntime `session.run` of the same weights, 32
// calls in flight for the same duration. The server runs as a child process (`bin/cairn.js serve`,
// as deployed): autocannon's event loop then does not delay the server's, so its latencies are the
// server's own. Both still share the machine's cores, so the ratio charges the server with
// autocannon's CPU (building and parsing HTTP, a few per cent of a core). A second server follows a
// branch whose rollout state adds a shadow (1.1.0 beside production 1.0.0) for the shadow p99 ratio.
// Each server keeps the default SQLite upload log (synchronous = FULL: one fsync per upload).
// Bare, plain and shadow runs take turns each round, so a busy shared machine slows all three alike.
// With 32 uploads always in flight, latency is mostly queueing (Little's law: 32 ÷ ~300 uploads/s on
// two cores ≈ 100 ms on average), so the bare path's p99 at the same concurrency is reported beside
// the server's: it is the floor the server's p99 can be judged against.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon, { type Result } from 'autocannon';
import * as ort from 'onnxruntime-node';
import { preprocessImage } from '../src/images/preprocess.js';
import { DEFAULT_SESSION_OPTIONS } from '../src/model/session-options.js';
import { commitFiles } from '../test/serving/serving-repo.js';
import { createDemoServingRepo, DEMO_MODEL, readDemoUploads } from './demo-serving-repo.js';
import type { Bench } from './types.js';

const CONNECTIONS = 32;

interface BareRun {
  perSecond: number;
  p50: number;
  p99: number;
}
// Above the 32 connections, so no upload is refused with 503 (a 503 would count as an error).
const MAX_CONCURRENT = 256;
const BIN = new URL('../bin/cairn.js', import.meta.url).pathname;

export const bench: Bench = async ({ quick }) => {
  // The machine is shared: more, shorter rounds give the medians more to stand on.
  const seconds = quick ? 3 : 8;
  const rounds = quick ? 1 : 5;
  const root = await mkdtemp(join(tmpdir(), 'cairn-bench-serve-'));
  const servers: ChildProcess[] = [];
  let session: ort.InferenceSession | null = null;
  try {
    const repo = await createDemoServingRepo(root);
    await repo.cli.run(['checkout', '--quiet', '-b', 'shadow']);
    await commitFiles(root, [repo.rollout({ production: '1.0.0', shadow: '1.1.0' })], 'shadow 1.1.0');
    const uploads = await readDemoUploads(64);
    session = await ort.InferenceSession.create(repo.onnx, DEFAULT_SESSION_OPTIONS);
    const bare = bareUpload(session, repo.spec);
    const plainUrl = await startServe(root, 'main', servers);
    const shadowUrl = await startServe(root, 'shadow', servers);

    const runs = { bare: [] as BareRun[], plain: [] as Result[], shadow: [] as Result[] };
    await Promise.all([runBare(bare, uploads, 1), load(plainUrl, uploads, 1), load(shadowUrl, uploads, 1)]); // warm-up
    for (let round = 0; round < rounds; round++) {
      const order = [['bare', 'plain', 'shadow'], ['plain', 'shadow', 'bare'], ['shadow', 'bare', 'plain']][round % 3]!;
      for (const path of order) {
        if (path === 'bare') runs.bare.push(await runBare(bare, uploads, seconds));
        else runs[path as 'plain' | 'shadow'].push(await load(path === 'plain' ? plainUrl : shadowUrl, uploads, seconds));
      }
    }

    const served = runs.plain.map((r) => r['2xx'] / r.duration);
    const bareServed = runs.bare.map((r) => r.perSecond);
    const throughputRatios = served.map((s, i) => s / bareServed[i]!);
    const bareP99 = Math.max(...runs.bare.map((r) => r.p99));
    const p99 = Math.max(...runs.plain.map((r) => r.latency.p99));
    const failed = [...runs.plain, ...runs.shadow].reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0);
    const shadowRatios = runs.shadow.map((r, i) => r.latency.p99 / runs.plain[i]!.latency.p99);
    const ratio = median(throughputRatios);
    const shadowRatio = median(shadowRatios);
    const list = (values: number[], digits = 0) => values.map((v) => v.toFixed(digits)).join(', ');
    return {
      name: 'serve',
      figures: [
        { label: 'cairn serve uploads/s (median round)', value: median(served), unit: '/s' },
        { label: 'bare decode + session.run uploads/s, 32 in flight (median round)', value: median(bareServed), unit: '/s' },
        { label: 'cairn serve / bare throughput (median of rounds)', value: ratio, unit: '×', target: '>= 0.8', ok: ratio >= 0.8 },
        { label: 'cairn serve p99 latency (worst round)', value: p99, unit: 'ms', target: '<= 100', ok: p99 <= 100 },
        { label: 'bare decode + session.run p99 latency, 32 in flight (worst round)', value: bareP99, unit: 'ms' },
        { label: 'cairn serve p99 / bare p99 (worst rounds)', value: p99 / bareP99, unit: '×' },
        { label: 'errors + timeouts + non-2xx (plain and shadow runs)', value: failed, unit: '', target: '= 0', ok: failed === 0 },
        { label: 'p99 with a shadow / without (median of rounds)', value: shadowRatio, unit: '×', target: '<= 1.6', ok: shadowRatio <= 1.6 },
      ],
      notes: [
        `${rounds} round(s) of ${seconds} s per path after a 1 s warm-up; ${CONNECTIONS} connections, --max-concurrent ${MAX_CONCURRENT}; serve in a child process, autocannon and the bare runs in this one, two shared cores`,
        `serve uploads/s ${list(served)}; bare ${list(bareServed)}; ratios ${list(throughputRatios, 2)}`,
        `bare p50 / p99 ms ${runs.bare.map((r) => `${r.p50.toFixed(0)} / ${r.p99.toFixed(0)}`).join(', ')}`,
        `serve p50 / p99 ms without a shadow ${runs.plain.map((r) => `${r.latency.p50} / ${r.latency.p99}`).join(', ')}; with ${runs.shadow.map((r) => `${r.latency.p50} / ${r.latency.p99}`).join(', ')}; shadow uploads/s ${list(runs.shadow.map((r) => r['2xx'] / r.duration))}`,
      ],
    };
  } finally {
    await Promise.all(servers.map(stopServe));
    await session?.release();
    await rm(root, { recursive: true, force: true });
  }
};

function bareUpload(session: ort.InferenceSession, spec: Parameters<typeof preprocessImage>[1]) {
  return async (bytes: Uint8Array): Promise<void> => {
    const { tensor } = await preprocessImage(bytes, spec);
    await session.run({ image: new ort.Tensor('float32', tensor, [1, 3, spec.height, spec.width]) });
  };
}

/** Uploads per second, and their latency, with CONNECTIONS calls of `upload` in flight for `seconds`. */
async function runBare(upload: (bytes: Uint8Array) => Promise<void>, uploads: Buffer[], seconds: number): Promise<BareRun> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      await upload(uploads[next++ % uploads.length]!);
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!;
  return { perSecond: latencies.length / ((performance.now() - start) / 1000), p50: at(0.5), p99: at(0.99) };
}

async function load(url: string, uploads: Buffer[], seconds: number): Promise<Result> {
  let next = 0;
  const headers = { 'content-type': 'image/png' };
  const setupRequest = () => {
    const i = next++;
    return { method: 'POST', path: '/v1/uploads', headers: { ...headers, 'x-unit-id': `user-${i % 10_000}` }, body: uploads[i % uploads.length]! };
  };
  return await autocannon({ url, connections: CONNECTIONS, duration: seconds, requests: [{ setupRequest }] });
}

/** `cairn serve` of the demo model at `ref` in a child process; resolves with its URL once it listens. */
async function startServe(root: string, ref: string, servers: ChildProcess[]): Promise<string> {
  // The default upload log: SQLite, in a data directory of this server's own.
  const dataDir = join(root, `serve-${ref}`);
  const args = [BIN, '-C', root, 'serve', '--model', DEMO_MODEL, '--ref', ref, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--max-concurrent', String(MAX_CONCURRENT)];
  // libuv's pool as the Dockerfile sets it: the deployer leaves one thread free for reloads.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, UV_THREADPOOL_SIZE: '8' } });
  servers.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`cairn serve --ref ${ref} exited with ${code} before listening: ${err}`)));
  });
}

async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
