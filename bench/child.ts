import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Runs `file --child ...args` in a fresh Node process (through tsx) and returns the JSON it prints
 * last: benchmarks measure peak RSS this way, so each figure belongs to one job alone.
 */
export async function runBenchChild<T>(file: string, args: string[]): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, '--child', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${args[0] ?? 'benchmark'} child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as T;
}
