import type { Command } from 'commander';
import type { PullRequest } from '../../forge/port.js';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';

/** Pull requests of the local forge: the embedded default's stand-in for GitHub. */
export function registerPr(program: Command, context: CliContext): void {
  const pr = program.command('pr').description('pull requests of the local forge (branches and merges in this repository)');
  const forge = async () => new (await import('../../forge/local-forge.js')).LocalForge({ dir: context.dir() });

  pr.command('list')
    .option('--state <state>', 'open, closed, merged or all', 'open')
    .option('--json', 'print as JSON')
    .action(async (options: { state: string; json?: boolean }) => {
      if (!['open', 'closed', 'merged', 'all'].includes(options.state)) {
        throw new UsageError(`--state ${options.state}: expected open, closed, merged or all`, { option: '--state' });
      }
      const list = await (await forge()).listPullRequests({ state: options.state as 'open' });
      if (options.json) printJson(context.output, list);
      else context.output.out(list.map(formatLine).join('') || 'no pull requests\n');
    });

  pr.command('show')
    .argument('<number>', 'pull request number', parseNumber)
    .option('--json', 'print as JSON')
    .action(async (number: number, options: { json?: boolean }) => {
      const local = await forge();
      const [request, reviews, comments] = await Promise.all([local.getPullRequest(number), local.listReviews(number), local.listComments(number)]);
      if (options.json) return printJson(context.output, { ...request, reviews, comments });
      context.output.out(
        [
          formatLine(request).trimEnd(),
          `  ${request.head} → ${request.base} at ${request.headSha.slice(0, 12)}, labels: ${request.labels.join(', ') || 'none'}`,
          '',
          request.body,
          ...reviews.map((review) => `review: ${review.state} by ${review.reviewer} on ${review.commitSha.slice(0, 12)}`),
          ...comments.map((comment) => `comment by ${comment.author}:\n${comment.body}`),
        ].join('\n') + '\n',
      );
    });

  pr.command('approve')
    .description('record an approving review (what a reviewer does on GitHub)')
    .argument('<number>', 'pull request number', parseNumber)
    .option('--reviewer <name>', 'who approves (default: git config user.name)')
    .option('-m, --message <text>', 'review comment', '')
    .action(async (number: number, options: { reviewer?: string; message: string }) => {
      const review = await (await forge()).submitReview(number, { state: 'APPROVED', body: options.message, reviewer: options.reviewer });
      context.output.out(`#${number} approved by ${review.reviewer}\n`);
    });

  pr.command('merge')
    .argument('<number>', 'pull request number', parseNumber)
    .option('--squash', 'squash into one commit instead of a merge commit')
    .action(async (number: number, options: { squash?: boolean }) => {
      const merged = await (await forge()).mergePullRequest(number, { method: options.squash ? 'squash' : 'merge' });
      context.output.out(`#${number} merged into ${merged.base} as ${merged.mergeCommitSha?.slice(0, 12)}\n`);
    });

  pr.command('close')
    .argument('<number>', 'pull request number', parseNumber)
    .action(async (number: number) => {
      await (await forge()).closePullRequest(number);
      context.output.out(`#${number} closed\n`);
    });
}

function formatLine(request: PullRequest): string {
  return `#${request.number}  [${request.state}]  ${request.title}  (${request.head})\n`;
}

function parseNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`"${value}" is not a pull request number`, { value });
  return number;
}
