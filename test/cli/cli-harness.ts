import { runCli } from '../../src/cli/main.js';

/** Runs `cairn <args>` in-process; stdout and stderr are captured apart. */
export async function runCairn(args: string[]): Promise<{ code: number; out: string; err: string; text: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join(''), text: [...out, ...err].join('') };
}
