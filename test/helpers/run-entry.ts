import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;

/**
 * Runs a workflow entry (`scripts/<name>`) the way Actions does: environment in, job summary and
 * outputs to the files Actions names, the exit code as the step's outcome.
 */
export async function runEntry(name: string, options: { cwd: string; scratch: string; env: Record<string, string> }) {
  const summary = join(options.scratch, `${name}.summary.md`);
  const output = join(options.scratch, `${name}.output`);
  await writeFile(summary, '');
  await writeFile(output, '');
  const script = new URL(`../../scripts/${name}`, import.meta.url).pathname;
  const result = await run(TSX, [script], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, ...options.env },
  }).then(
    (ok) => ({ code: 0, stdout: ok.stdout }),
    (failed: { code: number; stdout: string }) => ({ code: failed.code, stdout: failed.stdout }),
  );
  return { ...result, summary: await readFile(summary, 'utf8'), output: await readFile(output, 'utf8') };
}
