import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
