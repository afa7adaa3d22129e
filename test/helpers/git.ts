import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCli } from '../../src/store/git-cli.js';

/** A temporary directory removed by `cleanup()`. */
export async function tempDir(prefix = 'cairn-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A fresh non-bare repository on `main` with a committer identity. */
export async function initRepo(dir: string): Promise<GitCli> {
  await mkdir(dir, { recursive: true });
  const cli = new GitCli(dir);
  await cli.run(['init', '--quiet', '--initial-branch=main', dir]);
  await cli.run(['config', 'user.name', 'Test Runner']);
  await cli.run(['config', 'user.email', 'runner@example.test']);
  await cli.run(['config', 'commit.gpgsign', 'false']);
  return cli;
}

/** A bare "remote" and `count` clones of it, each with an identity. */
export async function remoteWithClones(root: string, count: number): Promise<{ remote: string; clones: string[] }> {
  const remote = join(root, 'remote.git');
  await new GitCli(root).run(['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  const clones: string[] = [];
  for (let i = 0; i < count; i++) {
    const dir = join(root, `clone-${i}`);
    await new GitCli(root).run(['clone', '--quiet', remote, dir]);
    const cli = new GitCli(dir);
    await cli.run(['config', 'user.name', `Runner ${i}`]);
    await cli.run(['config', 'user.email', `runner${i}@example.test`]);
    clones.push(dir);
  }
  return { remote, clones };
}

export async function headOf(dir: string, ref = 'HEAD'): Promise<string | null> {
  return new GitCli(dir).revParse(ref);
}

export async function statusOf(dir: string): Promise<string> {
  return (await new GitCli(dir).run(['status', '--porcelain', '--untracked-files=all'])).trim();
}
