import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/git.js';
import { runCairn } from './cli-harness.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  await writeFile(join(root, 'file.txt'), 'not a directory\n');
});
afterAll(() => cleanup());

const COMMANDS = [['verify'], ['history', 'shapes'], ['models', 'list'], ['validate', '--dataset', 'shapes'], ['train', 'shapes'], ['pr', 'list'], ['taxonomy', 'check', '--taxonomy', 't', '--label-config', 'x.xml']];

describe('cairn -C <dir>', () => {
  it.each(COMMANDS)('%s: a missing directory is named, with no stack trace, exit 2', async (...command) => {
    const missing = join(root, 'missing');
    const result = await runCairn(['-C', missing, ...command]);
    expect(result.err).toBe(`cairn: -C ${missing}: no such directory [E_NOT_FOUND]\n`);
    expect(result.code).toBe(2);
  });

  it.each(COMMANDS)('%s: a directory that is not a git repository is named, exit 2', async (...command) => {
    const result = await runCairn(['-C', root, ...command]);
    expect(result.err).toContain(`cairn: -C ${root}: is not a git repository`);
    expect(result.err).toContain('[E_USAGE]');
    expect(result.code).toBe(2);
  });

  it('a file is not a directory', async () => {
    const result = await runCairn(['-C', join(root, 'file.txt'), 'verify']);
    expect(result.err).toContain('file.txt: is not a directory');
    expect(result.code).toBe(2);
  });

  it('init may be given a directory that does not exist yet', async () => {
    const result = await runCairn(['-C', join(root, 'new', 'repo'), 'init']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  });
});
