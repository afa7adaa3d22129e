import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runServe, type RunningServe } from '../serving/http/run-serve.js';
import type { UploadRecord } from '../serving/upload-record.js';

/** What one round of simulated uploads met: who served them, why some fell back, whether the shadow agreed. */
export interface TrafficSummary {
  uploads: number;
  /** The commit the server answered from. */
  commit: string | null;
  /** Uploads whose output came from each version (`none` when no version ran). */
  byVersion: Record<string, number>;
  /** Uploads whose output is not to be used, by reason. */
  fallbacks: Record<string, number>;
  shadow: { runs: number; agreed: number };
}

/** Simulated uploads through a `cairn serve` following the demo's remote. */
export interface DemoTraffic {
  /** Asks the server to refresh (its push webhook), then sends every upload once, `concurrency` at a time. */
  send(): Promise<TrafficSummary>;
  close(): Promise<void>;
}

export interface DemoTrafficOptions {
  /** The git remote the server follows. */
  remote: string;
  model: string;
  /** Where the server keeps its mirror and its SQLite upload log. */
  dataDir: string;
  /** The images to upload, one per unit (`user-<i>`): the same units every round, so routing is sticky. */
  images: readonly string[];
  concurrency?: number;
}

/**
 * Starts `cairn serve` on a free loopback port, following `remote`'s main: the HTTP server, deployer
 * and SQLite upload log a deployment runs. Each round goes through HTTP like an application's uploads.
 */
export async function startDemoTraffic(options: DemoTrafficOptions): Promise<DemoTraffic> {
  const images = await Promise.all(options.images.map((file) => readFile(file)));
  await mkdir(options.dataDir, { recursive: true });
  const server: RunningServe = await runServe({
    repository: join(options.dataDir, 'mirror.git'),
    remote: options.remote,
    ref: 'main',
    model: options.model,
    host: '127.0.0.1',
    port: 0,
    log: join(options.dataDir, 'uploads.sqlite'),
    logger: () => undefined,
  });
  let round = 0;
  return {
    async send() {
      round++;
      const refreshed = (await (await fetch(`${server.url}/v1/refresh`, { method: 'POST' })).json()) as { serving: string | null };
      const records = await mapConcurrent(images, options.concurrency ?? 8, async (image, i) => {
        const answer = await fetch(`${server.url}/v1/uploads`, {
          method: 'POST',
          headers: { 'content-type': 'image/png', 'x-unit-id': `user-${i}`, 'x-upload-id': `round-${round}-upload-${i}` },
          body: image,
        });
        if (answer.status !== 200) throw new Error(`demo traffic: upload ${i} answered ${answer.status}: ${await answer.text()}`);
        return (await answer.json()) as UploadRecord;
      });
      return summarizeTraffic(records, refreshed.serving);
    },
    close: () => server.close(),
  };
}

export function summarizeTraffic(records: readonly UploadRecord[], commit: string | null): TrafficSummary {
  const summary: TrafficSummary = { uploads: records.length, commit, byVersion: {}, fallbacks: {}, shadow: { runs: 0, agreed: 0 } };
  for (const record of records) {
    const version = record.version ?? 'none';
    summary.byVersion[version] = (summary.byVersion[version] ?? 0) + 1;
    if (record.fallback_reason) summary.fallbacks[record.fallback_reason] = (summary.fallbacks[record.fallback_reason] ?? 0) + 1;
    if (record.shadow) {
      summary.shadow.runs++;
      if (record.shadow.agreed) summary.shadow.agreed++;
    }
  }
  return summary;
}

/** `200 uploads: 1.0.0 95.5%, 1.2.0 4.5%; fallback low_confidence 3; shadow agreed 180/191 (94.2%)`. */
export function formatTraffic(summary: TrafficSummary): string {
  const share = (count: number, of: number) => `${Number(((100 * count) / of).toFixed(1))}%`;
  const versions = Object.entries(summary.byVersion)
    .sort(([, a], [, b]) => b - a)
    .map(([version, count]) => `${version} ${share(count, summary.uploads)}`);
  const fallbacks = Object.entries(summary.fallbacks).map(([reason, count]) => `${reason} ${count}`);
  const { runs, agreed } = summary.shadow;
  return [
    `${summary.uploads} uploads: ${versions.join(', ')}`,
    `fallback ${fallbacks.length ? fallbacks.join(', ') : 'none'}`,
    `shadow ${runs ? `agreed ${agreed}/${runs} (${share(agreed, runs)})` : 'none'}`,
  ].join('; ');
}

async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
