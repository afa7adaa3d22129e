import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { finishInterruptedSync } from '../../src/store/stage-writer.js';
import { headOf, initRepo, remoteWithClones, statusOf, tempDir } from '../helpers/git.js';

const run = promisify(execFile);
const WORKER = new URL('../helpers/stage-worker.ts', import.meta.url).pathname;
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: root, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('two writers racing to one remote', () => {
  it('lands every artifact of every round on the remote main (2 processes × 50 rounds)', async () => {
    const { remote, clones } = await remoteWithClones(root, 2);
    const rounds = 50;
    await Promise.all(clones.map((clone, i) => run(TSX, [WORKER, 'push', clone, `w${i}`, String(rounds)], { timeout: 240_000 })));
    const reader = new RepoReader(remote);
    const files = (await reader.listDir('main', 'datasets/taxonomies')).map((entry) => entry.name).sort();
    const expected = clones.flatMap((_, i) => Array.from({ length: rounds }, (_, r) => `w${i}-${r}.json`)).sort();
    expect(files).toEqual(expected);
    const commits = (await new GitCli(remote).run(['rev-list', '--count', 'main'])).trim();
    expect(Number(commits)).toBe(2 * rounds);
  }, 300_000);
});

describe('a stage killed while writing', () => {
  it('commits all or nothing, leaves the work tree clean, and a rerun succeeds', async () => {
    const dir = `${root}/repo`;
    await initRepo(dir);
    const files = 1500;
    // Time two warm-up runs and take the faster: the first one pays for cold caches.
    let duration = Infinity;
    for (const prefix of ['warmup', 'warmup2']) {
      const started = Date.now();
      await run(TSX, [WORKER, 'bulk', dir, prefix, String(files)]);
      duration = Math.min(duration, Date.now() - started);
    }
    const base = await headOf(dir);
    // Kill at spread-out moments of a run as long as the warm-up one; each outcome must be whole.
    const outcomes: number[] = [];
    for (const fraction of [0.3, 0.5, 0.7, 0.85]) {
      const before = await headOf(dir);
      const child = spawn(TSX, [WORKER, 'bulk', dir, `f${fraction}`, String(files)], { stdio: 'ignore', detached: true });
      // Listen before waiting: a run faster than the warm-up one may exit before the kill is sent.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, duration * fraction))]);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already finished
      }
      await exited;
      const after = await headOf(dir);
      const tree = await new GitCli(dir).run(['ls-tree', '-r', '--name-only', after!, 'datasets/taxonomies']);
      const written = tree.split('\n').filter((name) => name.includes(`/f${fraction}-`)).length;
      expect([0, files]).toContain(written);
      outcomes.push(written);
      expect(after === before || written === files).toBe(true);
      await new GitCli(dir).run(['fsck', '--no-dangling', '--connectivity-only']);
      // A kill between the ref move and the work-tree sync is journalled; the next stage finishes it.
      await finishInterruptedSync(new GitCli(dir));
      expect(await statusOf(dir)).toBe('');
    }
    expect(outcomes).toContain(0); // at least one kill landed before the commit
    await run(TSX, [WORKER, 'bulk', dir, 'f0.5', String(files)]);
    const tree = await new GitCli(dir).run(['ls-tree', '-r', '--name-only', 'HEAD', 'datasets/taxonomies']);
    expect(tree.split('\n').filter((name) => name.includes('/f0.5-')).length).toBe(files);
    expect(await headOf(dir)).not.toBe(base);
  }, 300_000);
});
