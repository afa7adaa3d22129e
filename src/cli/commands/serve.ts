import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { redact } from '../../redact.js';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-code.js';

interface ServeCommandOptions {
  model: string;
  remote?: string;
  ref: string;
  dataDir: string;
  host: string;
  port: number;
  log?: string;
  logSync: 'full' | 'normal';
  maxBodyBytes?: number;
  maxConcurrent?: number;
  maxPixels?: number;
}

export function registerServe(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('serve a model over HTTP as the repository says: POST /v1/uploads, GET /v1/uploads/:id, POST /v1/refresh, /metrics, /healthz, /readyz')
    .requiredOption('--model <name>', 'the model to serve')
    .option('--remote <url>', 'follow this git remote (fetched into <data-dir>/mirror.git) instead of the repository in place')
    .option('--ref <ref>', 'the ref to follow (a branch with --remote)', 'main')
    .option('--data-dir <dir>', 'where the upload log and the remote mirror live', '.cairn')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on; 0 picks a free one and prints it', (value) => parseInteger(value, '--port', 0, 65535), 8080)
    .option('--log <file>', 'SQLite upload log, or "memory" to keep records in this process only (default <data-dir>/uploads.sqlite)')
    .addOption(
      new Option('--log-sync <mode>', 'normal: a record survives a crash of the process, a power cut may lose the last ones; full: synced at every commit')
        .choices(['normal', 'full'])
        .default('normal'),
    )
    .option('--max-body-bytes <n>', 'refuse larger uploads with 413 (default 20 MiB)', (value) => parseInteger(value, '--max-body-bytes', 1))
    .option('--max-concurrent <n>', 'uploads in flight before 503 + Retry-After (default 64)', (value) => parseInteger(value, '--max-concurrent', 1))
    .option('--max-pixels <n>', 'refuse images with more pixels, read from the header (default 50,000,000)', (value) => parseInteger(value, '--max-pixels', 1))
    .addHelpText(
      'after',
      [
        '',
        'POST /v1/refresh reads the followed ref now (a push webhook). With CAIRN_WEBHOOK_SECRET set, it',
        "requires X-Hub-Signature-256, the body's HMAC-SHA256 under that secret, as GitHub sends it.",
      ].join('\n'),
    )
    .action(async (options: ServeCommandOptions) => {
      const { runServe } = await import('../../serving/http/run-serve.js');
      const dataDir = resolve(options.dataDir);
      const log = options.log === 'memory' ? 'memory' : resolve(options.log ?? join(dataDir, 'uploads.sqlite'));
      if (log !== 'memory') await mkdir(dirname(log), { recursive: true });
      const secret = process.env.CAIRN_WEBHOOK_SECRET;
      const server = await runServe({
        repository: options.remote ? join(dataDir, 'mirror.git') : context.dir(),
        remote: options.remote,
        ref: options.ref,
        model: options.model,
        host: options.host,
        port: options.port,
        log,
        logSync: options.logSync,
        webhookSecret: secret === undefined || secret === '' ? undefined : secret,
        maxBodyBytes: options.maxBodyBytes,
        maxConcurrent: options.maxConcurrent,
        maxPixels: options.maxPixels,
        logger: (line) => context.output.err(`${line}\n`),
      });
      if (log === 'memory') context.output.err('cairn serve: --log memory: upload records are kept in this process only\n');
      const source = options.remote ? `${options.ref} of ${redact(options.remote)}` : options.ref;
      context.output.out(`cairn serve: ${options.model} at ${source}, upload log ${log}, listening on ${server.url}\n`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      context.output.err(`cairn serve: ${signal}: draining uploads in flight\n`);
      await server.close();
      context.output.out('cairn serve: stopped\n');
      context.setExitCode(EXIT.ok);
    });
}

function parseInteger(value: string, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`${option} ${value}: expected an integer from ${min} to ${max}`, { option, value, rule: 'integer-option' });
  return number;
}
