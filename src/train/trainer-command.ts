import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';
import type { ExternalTrainerOptions } from './external-trainer.js';

const LOG_TAIL = 50;
const ERROR_TAIL = 20;
const KILL_GRACE_MS = 5_000;

/** Runs the command in its own process group; resolves with the log tail when it exits 0. */
export function runTrainerCommand(workDir: string, options: ExternalTrainerOptions): Promise<string[]> {
  const { command } = options;
  const env = {
    ...process.env,
    ...options.env,
    CAIRN_WORK_DIR: workDir,
    CAIRN_CONFIG: join(workDir, 'config.json'),
    CAIRN_TRAIN: join(workDir, 'train.jsonl'),
    CAIRN_VAL: join(workDir, 'val.jsonl'),
    CAIRN_OUTPUT: join(workDir, 'output'),
  };
  return new Promise((resolve, reject) => {
    // detached: the shell leads a new process group, so a kill reaches every process it started.
    const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const logTail: string[] = [];
    const stderrTail: string[] = [];
    let stopped: 'timeout' | 'abort' | null = null;
    let graceTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const stop = (why: 'timeout' | 'abort'): void => {
      stopped ??= why;
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = (): void => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream], crlfDelay: Infinity }).on('line', (line) => {
        options.onLog?.(line, stream);
        keepTail(logTail, line, LOG_TAIL);
        if (stream === 'stderr') keepTail(stderrTail, line, ERROR_TAIL);
      });
    }
    // Processes the command left running would hold the pipes open and outlive the stage.
    child.on('exit', () => killGroup('SIGKILL'));
    child.on('error', (cause) => {
      clearTimeout(timer);
      const message = `external trainer \`${command}\` could not start in ${options.cwd}: ${cause.message}`;
      reject(new InputError(message, { file: options.cwd, rule: 'trainer-start', command }, { cause }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopped === 'abort') return reject(options.signal?.reason);
      if (stopped === 'timeout') {
        const what = `timed out after ${options.timeoutMs} ms; its process group was killed`;
        return reject(trainerError(command, what, 'trainer-timeout', stderrTail, { timeoutMs: options.timeoutMs }));
      }
      if (code === 0) return resolve(logTail);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(trainerError(command, how, 'trainer-exit', stderrTail, { exitCode: code, signal }));
    });
  });
}

function keepTail(tail: string[], line: string, size: number): void {
  tail.push(line.length > 1000 ? `${line.slice(0, 1000)}…` : line);
  if (tail.length > size) tail.shift();
}

function trainerError(command: string, what: string, rule: string, stderrTail: readonly string[], data: Record<string, unknown>): InputError {
  const tail = stderrTail.length === 0 ? '; it wrote nothing to stderr' : `; stderr ends:\n${stderrTail.map((line) => `  ${line}`).join('\n')}`;
  return new InputError(`external trainer \`${command}\` ${what}${tail}`, { rule, command, stderrTail, ...data });
}
