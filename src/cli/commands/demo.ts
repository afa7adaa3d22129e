import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerDemo(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('run the lifecycle end to end on generated data in a temporary model repository (what `npm start` does)')
    .option('--work-dir <path>', 'where to create the demo repositories (default: a new temporary directory)')
    .action(async (options: { workDir?: string }) => {
      const { runDemo } = await import('../../lifecycle/run-demo.js');
      const report = await runDemo({ workDir: options.workDir, log: (line) => context.output.out(`${line}\n`) });
      context.output.out(`\nThe model repository is at ${report.dir}; try:\n  npx cairn -C ${report.dir} verify\n`);
    });
}
