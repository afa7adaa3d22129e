import { Command } from 'commander';
import { readPackageVersion } from '../package-root.js';
import { assertRepositoryDir } from './assert-repository-dir.js';
import { registerDemo } from './commands/demo.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerGate } from './commands/gate.js';
import { registerHistory } from './commands/history.js';
import { registerIngest } from './commands/ingest.js';
import { registerInit } from './commands/init.js';
import { registerModels } from './commands/models.js';
import { registerPr } from './commands/pr.js';
import { registerRollback } from './commands/rollback.js';
import { registerRollout } from './commands/rollout.js';
import { registerServe } from './commands/serve.js';
import { registerTaxonomy } from './commands/taxonomy.js';
import { registerThresholds } from './commands/thresholds.js';
import { registerTrain } from './commands/train.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import type { CliContext } from './context.js';
import type { Output } from './output.js';

const COMMANDS = [registerInit, registerTaxonomy, registerIngest, registerValidate, registerTrain, registerEvaluate, registerGate, registerThresholds, registerVerify, registerHistory, registerRollout, registerRollback, registerModels, registerPr, registerDemo, registerServe];

/** Commands that run without an existing model repository: `init` makes one, `demo` makes its own. */
const OUTSIDE_A_REPOSITORY = new Set(['init', 'demo']);

/** Whether `command` reads the model repository in place: not the above, nor `serve --remote` (it fetches its own). */
function readsRepository(command: Command): boolean {
  const name = topLevelName(command);
  return !OUTSIDE_A_REPOSITORY.has(name) && !(name === 'serve' && command.opts<{ remote?: string }>().remote !== undefined);
}

/**
 * The `cairn` program with every command registered. Program options are read only before the
 * subcommand (`enablePositionalOptions`), so no subcommand option can be taken for one of them.
 */
export function buildProgram(output: Output, setExitCode: (code: number) => void): Command {
  const program = new Command('cairn')
    .description('GitOps ML lifecycle: a git repository as the database of record')
    .version(readPackageVersion(), '-V, --version')
    .option('-C, --dir <path>', 'model repository to work in (default: the current directory)')
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err });
  const given = () => program.opts<{ dir?: string }>().dir;
  const context: CliContext = { output, setExitCode, dir: () => given() ?? process.cwd() };
  for (const register of COMMANDS) register(program, context);
  program.hook('preAction', (_program, action) => {
    if (readsRepository(action)) assertRepositoryDir(context.dir(), given() !== undefined);
  });
  return program;
}

function topLevelName(command: Command): string {
  let top = command;
  while (top.parent?.parent) top = top.parent;
  return top.name();
}
