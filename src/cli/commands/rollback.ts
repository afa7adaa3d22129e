import type { Command } from 'commander';
import type { RollbackResult } from '../../rollout/run-rollback.js';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';
import { runIdFromEnv } from '../../actions/run-id.js';

/** `cairn rollback <model>`: the revert of the last rollout change, as a pull request or (`--now`) straight onto the base. */
export function registerRollback(program: Command, context: CliContext): void {
  program
    .command('rollback')
    .description('revert the last change of a model\'s rollout state: a pull request, or with --now a commit on the base branch')
    .argument('<model>', 'model name (registry/<model>)')
    .option('--reason <text>', 'why: in the pull request and the commit trailer', '')
    .option('--now', 'emergency: commit and push the revert to the base branch directly (where branch rules allow)')
    .option('--base <branch>', 'the branch that serves', 'main')
    .option('--push <remote>', 'push to this remote (in a workflow: origin)')
    .option('--dry-run', 'print the revert; write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (model: string, flags: { reason: string; now?: boolean; base: string; push?: string; dryRun?: boolean; json?: boolean }) => {
      const [{ RepoReader }, { forgeFromEnv }, { runRollback }] = await Promise.all([
        import('../../store/repo-reader.js'),
        import('../../forge/forge-from-env.js'),
        import('../../rollout/run-rollback.js'),
      ]);
      const dir = context.dir();
      const result = await runRollback(
        { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), ...(flags.push ? { remote: flags.push } : {}) },
        { model, base: flags.base, reason: flags.reason, runId: runIdFromEnv(), direct: flags.now, dryRun: flags.dryRun },
      );
      if (flags.json) return printJson(context.output, { ...result, plan: { ...result.plan, content: undefined } });
      context.output.out(formatRollback(result, Boolean(flags.dryRun)));
    });
}

export function formatRollback(result: RollbackResult, dryRun: boolean): string {
  const what = `${result.plan.subject}\n  ${result.plan.body}`;
  if (dryRun) return `plan (nothing written): ${what}\n  on ${result.branch}\n`;
  if (!result.pullRequest) return `${what}\n  committed on ${result.branch} as ${result.commit?.slice(0, 12) ?? '(already there)'}\n`;
  return `#${result.pullRequest.number} ${what}\n  ${result.branch} → ${result.pullRequest.base}\n`;
}
