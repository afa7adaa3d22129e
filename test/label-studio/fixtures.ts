import { join } from 'node:path';
import { normalizeTask, type NormalizedTask, type SkippedTask } from '../../src/label-studio/normalize-task.js';
import { readExportTasks } from '../../src/label-studio/read-export-tasks.js';

/** The Label Studio fixtures copied into this repository (see its README.md). */
export const FIXTURES = new URL('../fixtures/label-studio/', import.meta.url).pathname;

/** Reads and normalises a fixture export the way ingestion does. */
export async function normalizeFixture(name: string): Promise<Array<NormalizedTask | SkippedTask>> {
  const file = join(FIXTURES, name);
  const out: Array<NormalizedTask | SkippedTask> = [];
  let index = 0;
  for await (const raw of readExportTasks(file)) out.push(normalizeTask(raw, { file, index: index++ }));
  return out;
}
