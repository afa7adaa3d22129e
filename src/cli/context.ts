import type { Command } from 'commander';
import type { Output } from './output.js';

/** What every command gets: where to write, how to report its exit code, the global options. */
export interface CliContext {
  output: Output;
  setExitCode(code: number): void;
  /** The model repository (`--dir`, default the current directory). */
  dir(): string;
}

export type RegisterCommand = (program: Command, context: CliContext) => void;
