import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';
import { resolveRevision } from '../resolve-ref.js';

interface PlanFlags {
  base: string;
  ref: string;
  json?: boolean;
}

export function registerThresholds(program: Command, context: CliContext): void {
  const thresholds = program.command('thresholds').description('what a change to thresholds/*.yaml would do');
  thresholds
    .command('plan')
    .description('replay every recorded gate decision under the thresholds at --base (in force) and at --ref (proposed); writes nothing')
    .option('--base <ref>', 'the thresholds in force', 'origin/main')
    .option('--ref <ref>', 'the proposed thresholds, and the decisions to replay', 'HEAD')
    .option('--json', 'print the plan as JSON')
    .action(async (flags: PlanFlags) => {
      const [{ GitCli }, { RepoReader }, { runThresholdPlan }] = await Promise.all([
        import('../../store/git-cli.js'),
        import('../../store/repo-reader.js'),
        import('../../gate/run-threshold-plan.js'),
      ]);
      const cli = new GitCli(context.dir());
      const base = await resolveRevision(cli, flags.base, '--base');
      const ref = await resolveRevision(cli, flags.ref, '--ref');
      const plan = await runThresholdPlan({ reader: new RepoReader(context.dir()), base, ref });
      if (flags.json) {
        const { comment, ...rest } = plan;
        return printJson(context.output, { ...rest, flipped: comment.flipped });
      }
      context.output.out(`${plan.comment.parts.map((part) => part.body.replace(/^<!--.*-->\n/, '')).join('\n')}\n`);
    });
}
