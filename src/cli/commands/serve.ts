import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-code.js';

interface ServeCommandOptions {
  model: string;
  ref: string;
  host: string;
  port: number;
  log?: string;
  maxBodyBytes?: number;
  maxConcurrent?: number;
  maxPixels?: number;
}

export function registerServe(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('serve a model over HTTP as the repository says: POST /v1/uploads, GET /v1/uploads/:id, /metrics, /healthz, /readyz')
    .requiredOption('--model <name>', 'the model to serve')
    .option('--ref <ref>', 'the ref of the repository to follow', 'main')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on; 0 picks a free one and prints it', (value) => parseInteger(value, '--port', 0, 65535), 8080)
    .option('--log <file>', 'SQLite upload log (default: records kept in memory only)')
    .option('--max-body-bytes <n>', 'refuse larger uploads with 413 (default 20 MiB)', (value) => parseInteger(value, '--max-body-bytes', 1))
    .option('--max-concurrent <n>', 'uploads in flight before 503 + Retry-After (default 64)', (value) => parseInteger(value, '--max-concurrent', 1))
    .option('--max-pixels <n>', 'refuse images with more pixels, read from the header (default 50,000,000)', (value) => parseInteger(value, '--max-pixels', 1))
    .action(async (options: ServeCommandOptions) => {
      const { runServe } = await import('../../serving/http/run-serve.js');
      const server = await runServe({
        repository: context.dir(),
        ref: options.ref,
        model: options.model,
        host: options.host,
        port: options.port,
        logFile: options.log,
        maxBodyBytes: options.maxBodyBytes,
        maxConcurrent: options.maxConcurrent,
        maxPixels: options.maxPixels,
        logger: (line) => context.output.err(`${line}\n`),
      });
      if (!options.log) context.output.err('cairn serve: no --log: upload records are kept in memory only\n');
      context.output.out(`cairn serve: ${options.model} at ${options.ref}, listening on ${server.url}\n`);
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
