import type { Command } from 'commander';
import type { VerifyResult } from '../../verify/run-verify.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-code.js';
import { printJson } from '../output.js';
import { resolveRevision } from '../resolve-ref.js';

export function registerVerify(program: Command, context: CliContext): void {
  program
    .command('verify')
    .description('check schemas, checksums, lineage and promotion rules; with --base, also write-once against it')
    .option('--base <ref>', 'only check what changed since this ref, and refuse changes to committed artifacts')
    .option('--ref <ref>', 'commit to check', 'HEAD')
    .option('--json', 'print the result as JSON')
    .action(async (options: { base?: string; ref: string; json?: boolean }) => {
      const [{ GitCli }, { RepoReader }, { runVerify }] = await Promise.all([
        import('../../store/git-cli.js'),
        import('../../store/repo-reader.js'),
        import('../../verify/run-verify.js'),
      ]);
      const cli = new GitCli(context.dir());
      const ref = await resolveRevision(cli, options.ref, '--ref');
      const base = options.base ? await resolveRevision(cli, options.base, '--base') : undefined;
      const result = await runVerify({ reader: new RepoReader(context.dir()), ref, base });
      if (options.json) printJson(context.output, result);
      else context.output.out(formatVerify(result));
      context.setExitCode(result.violations.length > 0 ? EXIT.violations : EXIT.ok);
    });
}

export function formatVerify(result: VerifyResult): string {
  const scope = result.baseCommit ? `changes ${result.baseCommit.slice(0, 12)}..${result.commit.slice(0, 12)}` : `commit ${result.commit.slice(0, 12)}`;
  const lines = result.violations.map((violation) => `  ${violation.file}: [${violation.rule}] ${violation.message}`);
  const head =
    result.violations.length === 0
      ? `verify: ok, ${result.checkedFiles} files checked (${scope})`
      : `verify: ${result.violations.length} violation(s) in ${result.checkedFiles} files checked (${scope})`;
  return [head, ...lines].join('\n') + '\n';
}
