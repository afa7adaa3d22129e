import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { findGitDir } from '../../store/git-dir.js';
import type { CliContext } from '../context.js';
import { runIdFromEnv } from '../../actions/run-id.js';

export function registerInit(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('make the directory a cairn model repository: git init if needed, then commit the default thresholds')
    .action(async () => {
      const [{ runInit }, { initRepository }] = await Promise.all([import('../../init/run-init.js'), import('../../store/repository-setup.js')]);
      const dir = context.dir();
      await mkdir(dir, { recursive: true });
      if (!hasGit(dir)) await initRepository(dir);
      const result = await runInit({ dir, runId: runIdFromEnv() });
      context.output.out(
        result.commit
          ? `initialised ${dir}: ${result.files.length} files in commit ${result.commit.slice(0, 12)}\n`
          : `${dir} is already initialised\n`,
      );
    });
}

function hasGit(dir: string): boolean {
  try {
    findGitDir(dir);
    return true;
  } catch {
    return false;
  }
}
