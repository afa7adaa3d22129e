import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { tempDir } from '../../helpers/git.js';

const BIN = new URL('../../../bin/cairn.js', import.meta.url).pathname;

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `cairn -C <repository> serve <args>` as a child process in `cwd` (its default `.cairn` data
 * directory goes there) and resolves once it prints its URL.
 */
export async function startServeProcess(repository: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, '-C', repository, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', look);
    void exited.then((code) => reject(new Error(`cairn serve exited with ${code} before listening: ${err}`)));
  });
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface ServeProcesses {
  /** A fresh temporary directory per test. */
  readonly dir: string;
  /** `startServeProcess` in its own directory `serve-<n>/` of `dir`, killed after the test if still running. */
  start(repository: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<ServeProcess>;
}

/** Registers the per-test directory and the teardown of every `cairn serve` started. */
export function useServeProcesses(prefix: string): ServeProcesses {
  let cleanup: () => Promise<void> = async () => undefined;
  let started: ServeProcess[] = [];
  let count = 0;
  const processes = {
    dir: '',
    async start(repository: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
      const cwd = join(processes.dir, `serve-${++count}`);
      await mkdir(cwd);
      const server = await startServeProcess(repository, args, { cwd, ...(env ? { env } : {}) });
      started.push(server);
      return server;
    },
  };
  beforeEach(async () => {
    ({ path: processes.dir, cleanup } = await tempDir(prefix));
    started = [];
    count = 0;
  });
  afterEach(async () => {
    await Promise.all(started.map((server) => server.stop('SIGKILL')));
    await cleanup();
  });
  return processes;
}
