import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-code.js';
import { printJson } from '../output.js';
import { runIdFromEnv } from '../../actions/run-id.js';

export function registerValidate(program: Command, context: CliContext): void {
  program
    .command('validate')
    .description('check a dataset version against thresholds/validation.yaml and commit the report beside it')
    .requiredOption('--dataset <name>', 'dataset (datasets/<name>)')
    .option('--dataset-version <version>', 'dataset version (default: the newest)')
    .option('--branch <branch>', 'branch to commit the report on (default: the checked-out branch)')
    .option('--json', 'print the report as JSON')
    .action(async (options: { dataset: string; datasetVersion?: string; branch?: string; json?: boolean }) => {
      const [{ runValidate }, { RepoReader }] = await Promise.all([import('../../dataset/run-validate.js'), import('../../store/repo-reader.js')]);
      const dir = context.dir();
      const result = await runValidate({ dir, reader: new RepoReader(dir), dataset: options.dataset, version: options.datasetVersion, branch: options.branch, runId: runIdFromEnv(), now: () => new Date() });
      if (options.json) printJson(context.output, result.report);
      else {
        const lines = result.report.checks.map((check) => `  ${check.status.padEnd(4)}  ${check.name}: ${check.message}`);
        const verdict = result.report.passed ? 'passed' : 'FAILED';
        const where = result.commit ? `committed ${result.commit.slice(0, 12)} as ${result.path}` : `already validated with these thresholds in ${result.path}; nothing written`;
        context.output.out(`${options.dataset} ${result.version}: validation ${verdict} (${where})\n${lines.join('\n')}\n`);
      }
      // Validating again with the same thresholds is a no-op, whatever the report said.
      context.setExitCode(result.report.passed || !result.commit ? EXIT.ok : EXIT.violations);
    });
}
