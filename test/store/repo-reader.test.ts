import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { initRepo, tempDir } from '../helpers/git.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: root, cleanup } = await tempDir()));
afterEach(() => cleanup());

/** Bytes that deflate neither to nothing nor not at all: JSONL-like lines with varying numbers. */
function itemsLike(bytes: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const line = `{"id":"item-${i}","split":"${['train', 'val', 'test'][i % 3]}","score":${((i * 7919) % 10007) / 10007}}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

describe('RepoReader.readFile', () => {
  it('reads loose blobs of every size byte for byte, and the same blobs once packed', async () => {
    const git = await initRepo(root);
    const sizes = [0, 1, 100, 1023, 1024, 1025, 70_000, 3_000_000];
    for (const size of sizes) await writeFile(join(root, `blob-${size}.txt`), itemsLike(size));
    await git.run(['add', '.']);
    await git.run(['commit', '--quiet', '-m', 'blobs']);

    for (const size of sizes) {
      const bytes = await new RepoReader(root).readFile('HEAD', `blob-${size}.txt`);
      expect(Buffer.from(bytes!).equals(itemsLike(size)), `loose blob of ${size} bytes`).toBe(true);
    }
    await git.run(['gc', '--quiet', '--prune=now']);
    for (const size of sizes) {
      const bytes = await new RepoReader(root).readFile('HEAD', `blob-${size}.txt`);
      expect(Buffer.from(bytes!).equals(itemsLike(size)), `packed blob of ${size} bytes`).toBe(true);
    }
  });
});

describe('RepoReader in a linked worktree', () => {
  it('resolves the worktree’s own HEAD and reads objects from the common git dir', async () => {
    const main = join(root, 'main');
    const cli = await initRepo(main);
    await writeFile(join(main, 'a.txt'), 'on main\n');
    await cli.run(['add', 'a.txt']);
    await cli.run(['commit', '--quiet', '-m', 'main']);
    const linked = join(root, 'linked');
    await cli.run(['worktree', 'add', '--quiet', '-b', 'side', linked]);
    await writeFile(join(linked, 'a.txt'), 'on side\n');
    const side = new GitCli(linked);
    await side.run(['commit', '--quiet', '-am', 'side']);

    const reader = new RepoReader(linked);
    expect(await reader.resolveCommit('HEAD')).toBe(await side.revParse('HEAD'));
    expect(new TextDecoder().decode((await reader.readFile('HEAD', 'a.txt'))!)).toBe('on side\n');
    expect(new TextDecoder().decode((await reader.readFile('main', 'a.txt'))!)).toBe('on main\n');
  });
});
