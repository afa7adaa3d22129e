import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, NotFoundError, SchemaError, UnknownVersionError, UsageError } from '../../src/errors.js';
import { LocalForge } from '../../src/forge/local-forge.js';
import { commentMarker } from '../../src/forge/port.js';
import { parsePullRequestNumber } from '../../src/history/pull-request-ref.js';
import { GitCli } from '../../src/store/git-cli.js';
import { initRepo, statusOf, tempDir } from '../helpers/git.js';
import { commitOn, messageOf, NOW, parentsOf } from './repo.js';

let temp: Awaited<ReturnType<typeof tempDir>>;
let git: GitCli;
let forge: LocalForge;

beforeEach(async () => {
  temp = await tempDir('cairn-forge-');
  git = await initRepo(join(temp.path, 'repo'));
  await commitOn(git, 'main', { 'README.md': 'models\n', 'data.txt': 'one\n' });
  forge = new LocalForge({ dir: git.dir, now: () => NOW });
});

afterEach(() => temp.cleanup());

describe('LocalForge in a working repository', () => {
  it('opens, upserts one comment, approves and merges with a merge commit that names the pull request', async () => {
    const featureSha = await commitOn(git, 'feature', { 'models/a.json': '{}\n' });
    const mainBefore = (await git.revParse('main'))!;

    const opened = await forge.openPullRequest({ head: 'feature', base: 'main', title: 'Add model a', body: 'why', labels: ['cairn'] });
    expect(opened).toMatchObject({ number: 1, headSha: featureSha, state: 'open', author: 'Test Runner', createdAt: NOW.toISOString() });

    const marker = commentMarker('verify');
    await forge.upsertComment(1, marker, `${marker}\nfirst run`);
    const edited = await forge.upsertComment(1, marker, `${marker}\nsecond run`);
    expect(await forge.listComments(1)).toEqual([edited]);
    expect(edited).toMatchObject({ id: 1, body: `${marker}\nsecond run` });

    const review = await forge.submitReview(1, { state: 'APPROVED', reviewer: 'alice' });
    expect(review).toMatchObject({ reviewer: 'alice', commitSha: featureSha, state: 'APPROVED' });

    const merged = await forge.mergePullRequest(1);
    const mainAfter = (await git.revParse('main'))!;
    expect(merged).toMatchObject({ state: 'merged', mergeCommitSha: mainAfter });
    expect(await parentsOf(git, mainAfter)).toEqual([mainBefore, featureSha]);
    const message = await messageOf(git, mainAfter);
    expect(message).toBe('Merge pull request #1 from feature\n\nAdd model a');
    expect(parsePullRequestNumber(message)).toBe(1);

    expect(await readFile(join(git.dir, 'models/a.json'), 'utf8')).toBe('{}\n');
    expect(await statusOf(git.dir)).toBe('');
    await expect(forge.mergePullRequest(1)).rejects.toThrow(ForgeError);
  });

  it('keeps its records in the git directory, out of the work tree', async () => {
    await commitOn(git, 'feature', { 'b.txt': 'b\n' });
    await forge.openPullRequest({ head: 'feature', base: 'main', title: 'B', body: '' });
    expect(existsSync(join(git.dir, '.git', 'cairn-forge', 'pulls', '1.json'))).toBe(true);
    expect(await statusOf(git.dir)).toBe('');
  });

  it('leaves main untouched on a conflict and names the conflicting path', async () => {
    await commitOn(git, 'feature', { 'data.txt': 'two\n' });
    const mainSha = await commitOn(git, 'main', { 'data.txt': 'three\n' });
    await forge.openPullRequest({ head: 'feature', base: 'main', title: 'Change data', body: '' });

    const failure = await forge.mergePullRequest(1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ForgeError);
    expect((failure as ForgeError).message).toBe('cannot merge feature into main: conflict in data.txt');
    expect((failure as ForgeError).data.paths).toEqual(['data.txt']);
    expect(await git.revParse('main')).toBe(mainSha);
    expect((await forge.getPullRequest(1)).state).toBe('open');
    expect(await statusOf(git.dir)).toBe('');
  });

  it('refuses before moving main when the checkout has changes to paths the merge touches', async () => {
    await commitOn(git, 'feature', { 'data.txt': 'two\n' });
    const mainSha = await git.revParse('main');
    await writeFile(join(git.dir, 'data.txt'), 'local edit\n');
    await forge.openPullRequest({ head: 'feature', base: 'main', title: 'Change data', body: '' });

    await expect(forge.mergePullRequest(1)).rejects.toThrow(/uncommitted changes to data\.txt/);
    expect(await git.revParse('main')).toBe(mainSha);
    expect(await readFile(join(git.dir, 'data.txt'), 'utf8')).toBe('local edit\n');
  });

  it('merges while unrelated paths have changes, and keeps them', async () => {
    await commitOn(git, 'feature', { 'data.txt': 'two\n' });
    await writeFile(join(git.dir, 'README.md'), 'local edit\n');
    await forge.openPullRequest({ head: 'feature', base: 'main', title: 'Change data', body: '' });

    await forge.mergePullRequest(1);
    expect(await readFile(join(git.dir, 'data.txt'), 'utf8')).toBe('two\n');
    expect(await statusOf(git.dir)).toBe('M README.md');
  });

  it('squashes into one commit whose subject ends with the number', async () => {
    await commitOn(git, 'feature', { 'b.txt': 'b\n' });
    const mainBefore = await git.revParse('main');
    await forge.openPullRequest({ head: 'feature', base: 'main', title: 'Add b', body: '' });
    const merged = await forge.mergePullRequest(1, { method: 'squash' });
    expect(await parentsOf(git, merged.mergeCommitSha!)).toEqual([mainBefore]);
    expect(await messageOf(git, merged.mergeCommitSha!)).toBe('Add b (#1)');
  });

  it('reads headSha from the branch, while a review keeps the commit it was given on', async () => {
    const first = await commitOn(git, 'feature', { 'b.txt': 'b\n' });
    await forge.openPullRequest({ head: 'feature', base: 'main', title: 'Add b', body: '' });
    await forge.submitReview(1, { state: 'APPROVED', reviewer: 'alice' });
    const second = await commitOn(git, 'feature', { 'b.txt': 'b2\n' });
    expect((await forge.getPullRequest(1)).headSha).toBe(second);
    expect((await forge.listReviews(1))[0]).toMatchObject({ reviewer: 'alice', commitSha: first });
  });

  it('numbers pull requests from 1 across instances, closed ones included', async () => {
    await commitOn(git, 'a', { 'a.txt': 'a\n' });
    await commitOn(git, 'b', { 'b.txt': 'b\n' });
    await forge.openPullRequest({ head: 'a', base: 'main', title: 'A', body: '' });
    await forge.closePullRequest(1);
    const again = new LocalForge({ dir: git.dir, now: () => NOW });
    expect((await again.openPullRequest({ head: 'b', base: 'main', title: 'B', body: '' })).number).toBe(2);
    expect((await new LocalForge({ dir: git.dir }).listPullRequests({ state: 'all' })).map((pr) => pr.number)).toEqual([1, 2]);
  });

  it('gives distinct numbers to pull requests opened at the same time from separate instances', async () => {
    const branches = ['a', 'b', 'c', 'd'];
    for (const branch of branches) await commitOn(git, branch, { [`${branch}.txt`]: `${branch}\n` });
    const opened = await Promise.all(
      branches.map((head) => new LocalForge({ dir: git.dir, now: () => NOW }).openPullRequest({ head, base: 'main', title: head, body: '' })),
    );
    expect(opened.map((pr) => pr.number).sort()).toEqual([1, 2, 3, 4]);
    expect((await forge.listPullRequests()).map((pr) => pr.head).sort()).toEqual(branches);
  });

  it('filters the list by state, head and label', async () => {
    for (const branch of ['a', 'b', 'c']) await commitOn(git, branch, { [`${branch}.txt`]: `${branch}\n` });
    await forge.openPullRequest({ head: 'a', base: 'main', title: 'A', body: '', labels: ['rollout'] });
    await forge.openPullRequest({ head: 'b', base: 'main', title: 'B', body: '' });
    await forge.openPullRequest({ head: 'c', base: 'main', title: 'C', body: '', labels: ['rollout'] });
    await forge.closePullRequest(2);
    await forge.mergePullRequest(3);
    const numbers = async (filter?: Parameters<LocalForge['listPullRequests']>[0]) =>
      (await forge.listPullRequests(filter)).map((pr) => pr.number);

    expect(await numbers()).toEqual([1]);
    expect(await numbers({ state: 'all' })).toEqual([1, 2, 3]);
    expect(await numbers({ state: 'merged' })).toEqual([3]);
    expect(await numbers({ state: 'all', label: 'rollout' })).toEqual([1, 3]);
    expect(await numbers({ state: 'all', head: 'b' })).toEqual([2]);
  });

  it('keeps the latest status per context and refuses unknown commits', async () => {
    const sha = (await git.revParse('main'))!;
    await forge.setStatus({ sha, context: 'cairn/verify', state: 'pending', description: 'running' });
    await forge.setStatus({ sha, context: 'cairn/approval', state: 'failure', description: 'needs approval' });
    await forge.setStatus({ sha, context: 'cairn/verify', state: 'success', description: 'clean' });

    expect(await forge.getStatuses(sha)).toEqual([
      { sha, context: 'cairn/verify', state: 'success', description: 'clean' },
      { sha, context: 'cairn/approval', state: 'failure', description: 'needs approval' },
    ]);
    expect(await forge.getStatuses('0'.repeat(40))).toEqual([]);
    await expect(forge.setStatus({ sha: 'f'.repeat(40), context: 'x', state: 'success', description: '' })).rejects.toThrow(NotFoundError);
    await expect(forge.setStatus({ sha: sha.slice(0, 7), context: 'x', state: 'success', description: '' })).rejects.toThrow(UsageError);
  });

  it('validates records when reading them', async () => {
    await commitOn(git, 'feature', { 'b.txt': 'b\n' });
    await forge.openPullRequest({ head: 'feature', base: 'main', title: 'B', body: '' });
    const file = join(git.dir, '.git', 'cairn-forge', 'pulls', '1.json');
    const record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

    await writeFile(file, JSON.stringify({ ...record, state: 'draft' }));
    await expect(forge.getPullRequest(1)).rejects.toThrow(SchemaError);
    await writeFile(file, JSON.stringify({ ...record, schema: 'local-forge-pull-request/v9' }));
    await expect(forge.getPullRequest(1)).rejects.toThrow(UnknownVersionError);
  });
});

describe('LocalForge in a bare repository', () => {
  it('merges without any work tree', async () => {
    const featureSha = await commitOn(git, 'feature', { 'b.txt': 'b\n' });
    const bareDir = join(temp.path, 'bare.git');
    await git.run(['clone', '-q', '--bare', git.dir, bareDir]);
    const bare = new GitCli(bareDir);
    const mainBefore = await bare.revParse('main');
    const remote = new LocalForge({ dir: bareDir, now: () => NOW, user: 'Release Bot' });

    await remote.openPullRequest({ head: 'feature', base: 'main', title: 'Add b', body: '' });
    const merged = await remote.mergePullRequest(1);

    expect(await bare.revParse('main')).toBe(merged.mergeCommitSha);
    expect(await parentsOf(bare, 'main')).toEqual([mainBefore, featureSha]);
    expect(await bare.run(['log', '-1', '--format=%an|%cI', 'main'])).toBe(`Release Bot|2024-05-01T12:00:00+00:00\n`);
    expect(existsSync(join(bareDir, 'cairn-forge', 'pulls', '1.json'))).toBe(true);
  });
});
