import type { Command } from 'commander';
import type { RolloutResult } from '../../rollout/run-rollout.js';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';
import { runIdFromEnv } from '../../actions/run-id.js';

interface RolloutFlags {
  reason: string;
  base: string;
  push?: string;
  dryRun?: boolean;
  merge?: boolean;
  json?: boolean;
}

/** `cairn rollout <action> …`: each change of a model's rollout state as a pull request that changes only its rollout.json. */
export function registerRollout(program: Command, context: CliContext): void {
  const rollout = program.command('rollout').description('open a pull request that changes what a model serves (registry/<model>/rollout.json only)');
  const add = (name: string, description: string, args: string[], toRequest: (...values: string[]) => [string, string | undefined]) => {
    const command = rollout.command(name).description(description);
    for (const arg of args) command.argument(arg);
    command
      .requiredOption('--reason <text>', 'why: written into the rollout state and the pull request')
      .option('--base <branch>', 'branch the pull request merges into', 'main')
      .option('--push <remote>', 'push the branch to this remote (in a workflow: origin)')
      .option('--dry-run', 'print the planned change and pull request; write nothing')
      .option('--merge', 'merge the pull request at once (refused while the candidate waits for a review)')
      .option('--json', 'print the result as JSON')
      .action(async (...values: unknown[]) => {
        const flags = values[args.length] as RolloutFlags;
        const strings = values.slice(0, args.length) as string[];
        const model = strings[args.indexOf('<model>')]!;
        await run(context, model, toRequest(...strings), flags);
      });
  };
  add('start', 'start the rollout of a gated model version at the first stage of thresholds/rollout.yaml', ['<model>', '<version>'], (_model, version) => ['start', version]);
  add('advance', 'move the candidate to its next stage', ['<model>'], () => ['advance', undefined]);
  add('promote', 'make the candidate at its last stage the production (the old one is kept as previous)', ['<model>'], () => ['promote', undefined]);
  add('abort', 'stop the candidate; production serves everything', ['<model>'], () => ['abort', undefined]);
  add('kill-switch', 'on: observe only, no prediction is used; off: serve again', ['<state>', '<model>'], (state) => ['kill-switch', state]);
  add('pin', 'serve one version (production, previous or candidate) to everyone', ['<version>', '<model>'], (version) => ['pin', version]);
  add('unpin', 'remove the pinned version', ['<model>'], () => ['unpin', undefined]);
}

async function run(context: CliContext, model: string, [action, argument]: [string, string | undefined], flags: RolloutFlags): Promise<void> {
  const [{ RepoReader }, { forgeFromEnv }, { parseRolloutRequest }, { runRollout }] = await Promise.all([
    import('../../store/repo-reader.js'),
    import('../../forge/forge-from-env.js'),
    import('../../rollout/rollout-request.js'),
    import('../../rollout/run-rollout.js'),
  ]);
  const request = parseRolloutRequest(action, argument);
  const dir = context.dir();
  const result = await runRollout(
    { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), ...(flags.push ? { remote: flags.push } : {}) },
    { model, request, reason: flags.reason, base: flags.base, runId: runIdFromEnv(), now: () => new Date(), dryRun: flags.dryRun, merge: flags.merge },
  );
  if (flags.json) return printJson(context.output, result);
  context.output.out(formatRollout(result, Boolean(flags.dryRun)));
}

export function formatRollout(result: RolloutResult, dryRun: boolean): string {
  if (dryRun) return `plan (nothing written): ${result.plan.title}\n  branch ${result.branch}\n\n${result.plan.body}\n`;
  const pr = result.pullRequest!;
  const merged = result.merged ? `\n  merged into ${result.merged.base} as ${result.merged.mergeCommitSha.slice(0, 12)}` : '';
  return `#${pr.number} ${pr.title}\n  ${result.branch} → ${pr.base}${merged}\n`;
}
