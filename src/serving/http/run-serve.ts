import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createDeployer } from '../create-deployer.js';
import { MemoryUploadLog } from '../memory-upload-log.js';
import { openSqliteUploadLog } from '../sqlite-upload-log.js';
import type { UploadLog } from '../upload-record.js';
import { createServeApp } from './create-serve-app.js';

export interface ServeOptions {
  /** The model repository followed: a clone or a bare repository; with `remote`, the mirror fetched into. */
  repository: string;
  /** A git remote to fetch `ref` (a branch) from on each reload; see `DeployerOptions.remote`. */
  remote?: string | undefined;
  ref: string;
  model: string;
  host: string;
  /** 0 picks a free port; `RunningServe.url` says which. */
  port: number;
  /** The SQLite upload log (created when missing), or `memory` to keep records in this process only. */
  log: string;
  /** How the SQLite log syncs: see `SqliteUploadLogOptions.synchronous` (default `full`). */
  logSync?: 'full' | 'normal' | undefined;
  /** Required as `X-Hub-Signature-256` (GitHub's HMAC) by `POST /v1/refresh` when set. */
  webhookSecret?: string | undefined;
  maxBodyBytes?: number | undefined;
  maxConcurrent?: number | undefined;
  maxPixels?: number | undefined;
  /** The deployer's lines: reloads, refusals, versions that failed to run. */
  logger: (line: string) => void;
}

export interface RunningServe {
  url: string;
  app: FastifyInstance;
  /** Stops accepting, drains the uploads in flight, closes the deployer and the log. */
  close(): Promise<void>;
}

/** Opens the log, starts the deployer (first state loaded), and listens. Closes what it opened when a step fails. */
export async function runServe(options: ServeOptions): Promise<RunningServe> {
  const log: UploadLog = options.log === 'memory' ? new MemoryUploadLog() : openSqliteUploadLog(options.log, { synchronous: options.logSync ?? 'full' });
  let app: FastifyInstance | null = null;
  try {
    const deployer = await createDeployer({
      repository: options.repository,
      ...(options.remote === undefined ? {} : { remote: options.remote }),
      ref: options.ref,
      model: options.model,
      log,
      logger: options.logger,
      ...(options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels }),
    });
    app = createServeApp({
      deployer,
      log,
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      ...(options.maxConcurrent === undefined ? {} : { maxConcurrent: options.maxConcurrent }),
      ...(options.webhookSecret === undefined ? {} : { webhookSecret: options.webhookSecret }),
    });
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    // The app's close closes the deployer and the log; before it exists, the log alone is open.
    await (app ? app.close() : log.close());
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const running = app;
  return { url: `http://${host}:${address.port}`, app: running, close: () => running.close() };
}
