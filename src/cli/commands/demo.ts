import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { progressBars } from '../progress.js';

export function registerDemo(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('run the lifecycle end to end on generated data in a temporary model repository (what `npm start` does)')
    .option('--work-dir <path>', 'where to create the demo repositories (default: a new temporary directory)')
    .option('--count <n>', 'images in the first Label Studio export', (value) => Number.parseInt(value, 10))
    .option('--quiet', 'no progress bars')
    .action(async (options: { workDir?: string; count?: number; quiet?: boolean }) => {
      const { runDemo } = await import('../../lifecycle/run-demo.js');
      const bars = progressBars({ quiet: Boolean(options.quiet) });
      const report = await runDemo({
        workDir: options.workDir,
        ...(options.count === undefined ? {} : { count: options.count }),
        log: (line) => {
          bars.stop();
          context.output.out(`${line}\n`);
        },
        onProgress: (phase, done, total) => bars.update(phase, done, total),
      }).finally(() => bars.stop());
      context.output.out(`\nThe model repository is at ${report.dir}; try:\n  npx cairn -C ${report.dir} verify\n`);
    });
}
