import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import type { Deployer, DeployerOptions } from '../../../src/serving/create-deployer.js';
import { createServeApp, type ServeAppOptions } from '../../../src/serving/http/create-serve-app.js';
import type { MemoryUploadLog } from '../../../src/serving/memory-upload-log.js';
import { useDeployerHarness } from '../deployer-harness.js';

export interface ServeHarness {
  /** A fresh temporary directory per test; the repository goes in `models/` below it. */
  readonly dir: string;
  /** The log of the next app started (a fresh MemoryUploadLog per test); a test may set its own first. */
  log: MemoryUploadLog;
  /** The deployer of the last app started. */
  deployer: Deployer | null;
  /** An app over the deployer harness's deployer of `models/` at `main` (ids upload-1, …, no interval); closed after the test. */
  start(options?: { deployer?: Partial<DeployerOptions>; app?: Partial<ServeAppOptions> }): Promise<FastifyInstance>;
}

export function useServeHarness(): ServeHarness {
  const deployers = useDeployerHarness();
  let apps: FastifyInstance[] = [];
  let log: MemoryUploadLog | null = null;
  const harness: ServeHarness = {
    get dir() {
      return deployers.dir;
    },
    get log() {
      return log ?? deployers.log;
    },
    set log(value) {
      log = value;
    },
    deployer: null,
    async start(options = {}) {
      const deployer = await deployers.start({ log: harness.log, ...options.deployer });
      harness.deployer = deployer;
      const app = createServeApp({ deployer, log: harness.log, ...options.app });
      apps.push(app);
      // A test may close the app itself; fastify's close() does not resolve a second time.
      app.addHook('onClose', async () => {
        apps = apps.filter((other) => other !== app);
      });
      return app;
    },
  };
  beforeEach(() => {
    log = null;
    harness.deployer = null;
    apps = [];
  });
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });
  return harness;
}
