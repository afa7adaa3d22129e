import { Command, CommanderError } from 'commander';
import { readPackageVersion } from '../package-root.js';
import { registerDemo } from './commands/demo.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerHistory } from './commands/history.js';
import { registerIngest } from './commands/ingest.js';
import { registerInit } from './commands/init.js';
import { registerModels } from './commands/models.js';
import { registerPr } from './commands/pr.js';
import { registerTaxonomy } from './commands/taxonomy.js';
import { registerTrain } from './commands/train.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import type { CliContext } from './context.js';
import { EXIT, exitCodeFor } from './exit-code.js';
import { describeError, processOutput, type Output } from './output.js';

const COMMANDS = [registerInit, registerTaxonomy, registerIngest, registerValidate, registerTrain, registerEvaluate, registerVerify, registerHistory, registerModels, registerPr, registerDemo];

/** Runs `cairn <argv>` and returns its exit code; never throws. The only place exit codes are decided. */
export async function runCli(argv: string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('cairn')
    .description('GitOps ML lifecycle: a git repository as the database of record')
    .version(readPackageVersion(), '-V, --version')
    .option('-C, --dir <path>', 'model repository to work in (default: the current directory)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err });
  const context: CliContext = {
    output,
    setExitCode: (code) => {
      exitCode = code;
    },
    dir: () => (program.opts<{ dir?: string }>().dir ?? process.cwd()),
  };
  for (const register of COMMANDS) register(program, context);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.failure;
    output.err(`${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

