import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type * as ort from 'onnxruntime-node';
import type { Registry } from 'prom-client';
import { UnavailableError } from '../errors.js';
import { DEFAULT_MAX_PIXELS } from '../images/preprocess.js';
import { RepoReader } from '../store/repo-reader.js';
import { mirrorBranch } from '../store/repository-setup.js';
import { createSlots, threadPoolSize } from './create-slots.js';
import { createDeployerMetrics, type DeployerMetrics, type ReloadOutcome } from './deployer-metrics.js';
import { loadServingState, type ServingState } from './load-serving-state.js';
import type { ServedVersion } from './open-served-version.js';
import { processUploadIn, type UploadOptions } from './process-upload.js';
import type { UploadLog, UploadRecord } from './upload-record.js';

/**
 * What one `refresh()` did: loaded a new state, found the ref where it was, refused the new state,
 * or could not fetch from the remote (the last good state keeps serving; the next refresh retries).
 */
export interface ReloadEvent {
  model: string;
  outcome: ReloadOutcome;
  /** The commit the ref pointed at. */
  commit: string | null;
  /** The commit now serving (the last good one after a refusal), or null when none has loaded. */
  serving: string | null;
  /** Why the state was refused: the error's message (its `code` and `data` in `error`). */
  reason: string | null;
  error: unknown;
}

export interface DeployerOptions {
  /**
   * A clone, a bare repository, or a directory a GitOps tool syncs, read in place without a git
   * binary. With `remote`, the bare mirror the deployer fetches into (created when missing).
   */
  repository: string;
  /**
   * A git remote to follow (an https or ssh URL, or a path): each refresh first fetches `ref`, a
   * branch, into the mirror at `repository`. Credentials come from git's configuration or the URL.
   */
  remote?: string;
  /** The ref to follow (default `HEAD`, or `main` with a remote): a branch, `origin/main`, a tag, a commit. */
  ref?: string;
  model: string;
  log: UploadLog;
  now?: () => Date;
  /** Milliseconds of a monotonic clock, for latency (default `performance.now`). */
  clock?: () => number;
  newId?: () => string;
  /** Prometheus registry for the metrics (a new one when absent: `deployer.metrics.registry`). */
  registry?: Registry;
  /** Refuse images with more pixels than this, read from the header before decoding (default 50 MP). */
  maxPixels?: number;
  /**
   * Uploads decoded and run at once; the rest wait their turn (default: libuv's thread pool size
   * minus one). Decodes (sharp) use that pool, so a thread stays free for a reload's file reads:
   * under load, a reload does not queue behind every upload in flight.
   */
  maxParallel?: number;
  /** Reload every `reload_interval_seconds` of `thresholds/serving.yaml` (default true); `close()` stops it. */
  watch?: boolean;
  sessionOptions?: ort.InferenceSession.SessionOptions;
  onReload?: (event: ReloadEvent) => void;
  /** One line per reload that changed something or failed, and per version that failed to run. */
  logger?: (line: string) => void;
}

export interface Deployer {
  readonly model: string;
  readonly metrics: DeployerMetrics;
  /** The state now serving, or null before a valid one has loaded (every upload `unavailable`). */
  readonly state: ServingState | null;
  /**
   * Reads the ref now; resolves when the new state serves or has been refused. `onReload`, the log
   * and `cairn_reload_total` hear of each new commit once: loaded, or refused (not retried).
   */
  refresh(): Promise<ReloadEvent>;
  /** Routes, runs and records one upload; see `processUploadIn`. Appends the record to the log. `UnavailableError` once closed. */
  processUpload(image: Uint8Array, options: UploadOptions): Promise<UploadRecord>;
  /** Stops reloading, waits for uploads in flight, closes every session. */
  close(): Promise<void>;
}

const DEFAULT_INTERVAL_SECONDS = 5;

interface Held {
  state: ServingState;
  uploads: number;
  retired: boolean;
}

/**
 * A deployer following `ref` of a local repository. It loads the first state before it resolves
 * (a refusal leaves it serving nothing, `unavailable`, until a valid state lands). Each upload holds
 * the state it started with; a reload swaps states in one assignment, and the sessions that only
 * the old state used are closed once its last upload finishes. Unchanged versions keep their session.
 */
export async function createDeployer(options: DeployerOptions): Promise<Deployer> {
  const { model } = options;
  const ref = options.ref ?? (options.remote ? 'main' : 'HEAD');
  // Made at the first read: with a remote, the mirror exists once the first fetch has run.
  let reader: RepoReader | null = null;
  const now = options.now ?? (() => new Date());
  const clock = options.clock ?? (() => performance.now());
  const newId = options.newId ?? randomUUID;
  const logger = options.logger ?? (() => undefined);
  const metrics = createDeployerMetrics(options.registry);
  const slots = createSlots(options.maxParallel ?? Math.max(1, threadPoolSize() - 1));
  let current: Held | null = null;
  let refreshing: Promise<ReloadEvent> | null = null;
  let refused: ReloadEvent | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();

  // Retired states with uploads still in flight: their sessions stay open until those finish.
  const draining = new Set<Held>();
  const release = async (held: Held): Promise<void> => {
    if (!held.retired || held.uploads > 0) return;
    draining.delete(held);
    const live = new Set([current, ...draining].flatMap((other) => (other ? [...other.state.versions.values()] : [])));
    const closing = [...held.state.versions.values()].filter((version) => !live.has(version));
    // A session that fails to close must not fail the reload or the upload that retired it.
    const results = await Promise.allSettled(closing.map((version) => version.model.close()));
    results.forEach((result, i) => result.status === 'rejected' && logger(`cairn deployer ${model}: closing ${closing[i]!.version} failed: ${String(result.reason)}`));
  };

  const reload = async (): Promise<ReloadEvent> => {
    let commit: string | null = null;
    const event = (outcome: ReloadEvent['outcome'], error: unknown = null): ReloadEvent => ({
      model,
      outcome,
      commit,
      serving: current?.state.commit ?? null,
      reason: error === null ? null : error instanceof Error ? error.message : String(error),
      error,
    });
    let result: ReloadEvent;
    const failedFetch = options.remote ? await mirrorBranch(options.repository, options.remote, ref).then(() => null, (error: unknown) => ({ error })) : null;
    if (failedFetch) {
      result = event('unreachable', failedFetch.error);
      logger(`cairn deployer ${model}: ${result.reason}; still serving ${current?.state.commit.slice(0, 12) ?? 'nothing'}`);
    } else {
      try {
        reader ??= new RepoReader(options.repository);
        commit = await reader.resolveCommit(ref);
        if (commit === current?.state.commit) return event('unchanged');
        // A commit's content never changes, so a refused one is not read again; the next commit is.
        if (commit === refused?.commit) return { ...refused, serving: current?.state.commit ?? null };
        const state = await loadServingState(reader, commit, model, current?.state.versions ?? new Map<string, ServedVersion>(), options.sessionOptions);
        if (closed) {
          await closeUnshared(state, current);
          return event('unchanged');
        }
        const previous = current;
        current = { state, uploads: 0, retired: false };
        if (previous) {
          previous.retired = true;
          draining.add(previous);
          await release(previous);
        }
        metrics.recordState(model, state.rollout, [...state.versions.keys()]);
        result = event('loaded');
        logger(`cairn deployer ${model}: serving ${commit.slice(0, 12)} (${describe(state)})`);
      } catch (error) {
        result = event('refused', error);
        if (commit !== null) refused = result;
        logger(`cairn deployer ${model}: refused ${commit?.slice(0, 12) ?? ref}, still serving ${current?.state.commit.slice(0, 12) ?? 'nothing'}: ${result.reason}`);
      }
    }
    metrics.recordReload(model, result.outcome);
    options.onReload?.(result);
    return result;
  };

  const refresh = (): Promise<ReloadEvent> => {
    refreshing ??= reload().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const schedule = (): void => {
    if (closed || options.watch === false) return;
    const seconds = current?.state.thresholds.reload_interval_seconds ?? DEFAULT_INTERVAL_SECONDS;
    timer = setTimeout(() => void refresh().finally(schedule), seconds * 1000);
    timer.unref();
  };

  await refresh();
  schedule();

  return {
    model,
    metrics,
    get state() {
      return current?.state ?? null;
    },
    refresh,
    async processUpload(image, uploadOptions) {
      if (closed) throw new UnavailableError(`the deployer of ${model} is closed`, { model, rule: 'shutting-down' });
      // The state is taken once a slot is free, so an upload that waited runs on the newest one.
      const work = slots.run(async () => {
        const held = current;
        if (held) held.uploads++;
        try {
          const record = await processUploadIn(
            {
              model,
              state: held?.state ?? null,
              now,
              clock,
              newId,
              maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
              onRunError: (version, error) => logger(`cairn deployer ${model}: ${version} failed to run: ${error instanceof Error ? error.message : String(error)}`),
            },
            image,
            uploadOptions,
          );
          await options.log.append(record);
          metrics.recordUpload(record);
          return record;
        } finally {
          if (held) {
            held.uploads--;
            await release(held);
          }
        }
      });
      inFlight.add(work);
      try {
        return await work;
      } finally {
        inFlight.delete(work);
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await refreshing?.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      const last = current;
      current = null;
      if (last) await Promise.all([...last.state.versions.values()].map((version) => version.model.close()));
    },
  };
}

/** Closes the sessions of `state` that `held` does not share (a state loaded after `close()`). */
async function closeUnshared(state: ServingState, held: Held | null): Promise<void> {
  const kept = new Set(held ? [...held.state.versions.values()] : []);
  await Promise.all([...state.versions.values()].filter((version) => !kept.has(version)).map((version) => version.model.close()));
}

function describe(state: ServingState): string {
  const rollout = state.rollout;
  if (!rollout) return 'no rollout state: nothing serves';
  const parts = [`production ${rollout.production?.model_version ?? 'none'}`];
  if (rollout.candidate) parts.push(`candidate ${rollout.candidate.model_version} at ${rollout.candidate.percent}%`);
  if (rollout.shadow) parts.push(`shadow ${rollout.shadow.model_version}`);
  if (rollout.pinned) parts.push(`pinned ${rollout.pinned}`);
  if (rollout.kill_switch || state.thresholds.kill_switch) parts.push('kill switch on');
  return parts.join(', ');
}
