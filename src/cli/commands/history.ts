import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';
import { resolveRevision } from '../resolve-ref.js';

export function registerHistory(program: Command, context: CliContext): void {
  program
    .command('history')
    .description("a model's rollout history from git: who promoted or rolled back what, when, in which commit and PR")
    .argument('<model>', 'model name (registry/<model>)')
    .option('--ref <ref>', 'branch or commit to read history from', 'HEAD')
    .option('--limit <n>', 'show at most n entries', (value) => Number.parseInt(value, 10))
    .option('--json', 'print the entries as JSON')
    .action(async (model: string, options: { ref: string; limit?: number; json?: boolean }) => {
      const [{ GitCli }, { RepoReader }, { formatHistory, runHistory }] = await Promise.all([
        import('../../store/git-cli.js'),
        import('../../store/repo-reader.js'),
        import('../../history/run-history.js'),
      ]);
      const cli = new GitCli(context.dir());
      const ref = await resolveRevision(cli, options.ref, '--ref');
      const entries = await runHistory({ reader: new RepoReader(context.dir()), model, ref, limit: options.limit });
      if (options.json) printJson(context.output, entries);
      else context.output.out(formatHistory(entries));
    });
}
