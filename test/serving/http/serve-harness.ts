import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, beforeEach } from 'vitest';
import { createDeployer, type Deployer, type DeployerOptions } from '../../../src/serving/create-deployer.js';
import { createServeApp, type ServeAppOptions } from '../../../src/serving/http/create-serve-app.js';
import { MemoryUploadLog } from '../../../src/serving/memory-upload-log.js';
import { tempDir } from '../../helpers/git.js';
import { MODEL } from '../serving-repo.js';

export interface ServeHarness {
  /** A fresh temporary directory per test; the repository goes in `models/` below it. */
  dir: string;
  log: MemoryUploadLog;
  /** The deployer of the last app started. */
  deployer: Deployer | null;
  /** An app over a deployer of `models/` at `main` (ids upload-1, upload-2, …, no interval); closed after the test. */
  start(options?: { deployer?: Partial<DeployerOptions>; app?: Partial<ServeAppOptions> }): Promise<FastifyInstance>;
}

export function useServeHarness(): ServeHarness {
  let cleanup: () => Promise<void> = async () => undefined;
  let apps: FastifyInstance[] = [];
  const harness: ServeHarness = {
    dir: '',
    log: new MemoryUploadLog(),
    deployer: null,
    async start(options = {}) {
      let id = 0;
      const deployer = await createDeployer({
        repository: join(harness.dir, 'models'),
        ref: 'main',
        model: MODEL,
        log: harness.log,
        newId: () => `upload-${++id}`,
        watch: false,
        registry: new Registry(),
        ...options.deployer,
      });
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
  beforeEach(async () => {
    ({ path: harness.dir, cleanup } = await tempDir('cairn-serve-'));
    harness.log = new MemoryUploadLog();
    harness.deployer = null;
    apps = [];
  });
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await cleanup();
  });
  return harness;
}
