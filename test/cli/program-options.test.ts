import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/build-program.js';
import { readPackageVersion } from '../../src/package-root.js';
import { tempDir } from '../helpers/git.js';
import { initModelRepo } from '../helpers/model-repo.js';
import { runCairn } from './cli-harness.js';

function flagsOf(command: Command): string[] {
  return command.options.flatMap((option) => [option.short, option.long].filter((flag): flag is string => Boolean(flag)));
}

function everyCommand(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...everyCommand(sub)]);
}

const FIXTURE = new URL('../fixtures/label-studio/sdk-yolo-export-rectanglelabels.json', import.meta.url).pathname;
const program = buildProgram({ out: () => undefined, err: () => undefined }, () => undefined);

describe('cairn program options', () => {
  it('has the commands this test walks', () => {
    expect(everyCommand(program).map((command) => command.name())).toEqual(expect.arrayContaining(['validate', 'train', 'verify', 'list', 'check']));
  });

  it('reads program options only before the subcommand', async () => {
    const result = await runCairn(['verify', '-C', '/tmp']);
    expect(result.err).toContain("unknown option '-C'");
    expect(result.code).toBe(2);
  });

  it.each(everyCommand(program).map((command) => [command.name(), command] as const))('%s has no option named like a program option', (_name, command) => {
    const programFlags = new Set(flagsOf(program));
    expect(flagsOf(command).filter((flag) => programFlags.has(flag))).toEqual([]);
  });

  it('names a dataset version --dataset-version in every command that takes one', () => {
    const takers = everyCommand(program).filter((command) => command.options.some((option) => option.long === '--dataset-version'));
    expect(takers.map((command) => command.name()).sort()).toEqual(['calibrate', 'evaluate', 'train', 'validate']);
    for (const command of everyCommand(program)) expect(flagsOf(command)).not.toContain('--version');
  });
});

describe('cairn validate --dataset-version', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    let root: string;
    ({ path: root, cleanup } = await tempDir());
    dir = `${root}/repo`;
    await initModelRepo(dir, { dataset: 'cells', taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
  });
  afterAll(() => cleanup());

  it('refuses --version after the subcommand as an unknown option instead of printing cairn’s version', async () => {
    const result = await runCairn(['-C', dir, 'validate', '--dataset', 'cells', '--version', 'v0001']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("unknown option '--version'");
    expect(result.out).not.toContain(readPackageVersion());
  });

  it('validates the version it is given', async () => {
    const ingested = await runCairn(['-C', dir, 'ingest', '--dataset', 'cells', '--export', FIXTURE, '--skip-images']);
    expect(ingested.code).toBe(0);
    const result = await runCairn(['-C', dir, 'validate', '--dataset', 'cells', '--dataset-version', 'v0001']);
    expect(result.out).toContain('cells v0001: validation FAILED');
    expect(result.code).toBe(1);
  });

  it('still prints its own version for a program option before the subcommand', async () => {
    const result = await runCairn(['--version']);
    expect(result).toMatchObject({ code: 0, out: `${readPackageVersion()}\n` });
  });
});
