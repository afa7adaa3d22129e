import { CommanderError } from 'commander';
import { buildProgram } from './build-program.js';
import { EXIT, exitCodeFor } from './exit-code.js';
import { describeError } from '../describe-error.js';
import { processOutput, type Output } from './output.js';

/** Runs `cairn <argv>` and returns its exit code; never throws. The only place exit codes are decided. */
export async function runCli(argv: string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(output, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.failure;
    output.err(`${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}
