import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { paths } from '../artifacts/layout.js';
import { packageRoot } from '../package-root.js';
import type { FileWrite } from '../store/commit-files.js';
import { commitStage, type CommitStageResult } from '../store/stage-writer.js';

/** The thresholds this package ships (the project's own `thresholds/`), used to seed a new repository. */
export const PACKAGED_THRESHOLDS_DIR = join(packageRoot(), 'thresholds');

export async function readPackagedThresholds(): Promise<FileWrite[]> {
  const names = (await readdir(PACKAGED_THRESHOLDS_DIR)).filter((name) => name.endsWith('.yaml')).sort();
  return Promise.all(
    names.map(async (name) => ({ path: paths.thresholds(name.replace(/\.yaml$/, '')), content: await readFile(join(PACKAGED_THRESHOLDS_DIR, name), 'utf8') })),
  );
}

/**
 * `cairn init`: seeds a model repository with the default thresholds, as one stage commit.
 * Files that already exist are kept as they are, so init is safe to run twice.
 */
export async function runInit(options: { dir: string; runId: string; extraFiles?: FileWrite[] }): Promise<CommitStageResult> {
  const extra = options.extraFiles ?? [];
  // An extra file at a packaged path (the demo's own serving thresholds) takes its place.
  const packaged = (await readPackagedThresholds()).filter((file) => !extra.some((other) => other.path === file.path));
  const defaults = [...packaged, ...extra];
  return commitStage({
    dir: options.dir,
    stage: 'init',
    runId: options.runId,
    plan: async ({ reader, parent }) => {
      const missing: FileWrite[] = [];
      for (const file of defaults) if (!parent || (await reader.readFile(parent, file.path)) === null) missing.push(file);
      return { subject: 'cairn: initialise model repository', files: missing };
    },
  });
}
