import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, NotFoundError, UsageError } from '../../src/errors.js';
import { FakeForge } from '../../src/forge/fake-forge.js';
import { LocalForge } from '../../src/forge/local-forge.js';
import { commentMarker, type Forge } from '../../src/forge/port.js';
import { initRepo, tempDir } from '../helpers/git.js';
import { commitOn, NOW } from './repo.js';

/**
 * A forge with branches `main`, `feature-a` (adds a.txt) and `feature-b` (adds b.txt), acting as
 * "Test Runner".
 */
interface Harness {
  forge: Forge;
  tip(branch: string): Promise<string>;
  /** Pushes a new commit onto `branch` and returns it. */
  push(branch: string): Promise<string>;
  cleanup(): Promise<void>;
}

const adapters: Array<[string, () => Promise<Harness>]> = [
  [
    'LocalForge',
    async () => {
      const temp = await tempDir('cairn-forge-contract-');
      const git = await initRepo(join(temp.path, 'repo'));
      await commitOn(git, 'main', { 'README.md': 'models\n' });
      await commitOn(git, 'feature-a', { 'a.txt': 'a\n' });
      await commitOn(git, 'feature-b', { 'b.txt': 'b\n' });
      const forge = new LocalForge({ dir: git.dir, now: () => NOW });
      const tip = async (branch: string) => (await git.revParse(`refs/heads/${branch}`))!;
      return { forge, tip, push: (branch) => commitOn(git, branch, { 'later.txt': 'later\n' }), cleanup: temp.cleanup };
    },
  ],
  [
    'FakeForge',
    async () => {
      const forge = new FakeForge({ now: () => NOW, user: 'Test Runner', changedFiles: { 'feature-a': ['a.txt'], 'feature-b': ['b.txt'] } });
      const push = async (branch: string) => {
        forge.setBranch(branch, 'e'.repeat(40));
        return forge.branchSha(branch);
      };
      return { forge, tip: async (branch) => forge.branchSha(branch), push, cleanup: async () => undefined };
    },
  ],
];

describe.each(adapters)('%s keeps the Forge contract', (_name, make) => {
  let h: Harness;
  let forge: Forge;
  const open = (head: string, labels?: string[]) => forge.openPullRequest({ head, base: 'main', title: `From ${head}`, body: 'Why.', labels });

  beforeEach(async () => {
    h = await make();
    forge = h.forge;
  });
  afterEach(() => h.cleanup());

  it('opens pull requests numbered from 1 and refuses a second one for the same branches', async () => {
    expect(await open('feature-a', ['cairn', 'cairn'])).toEqual({
      number: 1,
      title: 'From feature-a',
      body: 'Why.',
      head: 'feature-a',
      base: 'main',
      headSha: await h.tip('feature-a'),
      state: 'open',
      labels: ['cairn'],
      author: 'Test Runner',
      authorIsBot: false,
      mergeCommitSha: null,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    await expect(open('feature-a')).rejects.toThrow(ForgeError);
    expect((await open('feature-b')).number).toBe(2);
    await expect(forge.getPullRequest(3)).rejects.toThrow(NotFoundError);
    await expect(forge.openPullRequest({ head: 'main', base: 'main', title: 'T', body: '' })).rejects.toThrow(UsageError);
  });

  it('lists by state, head and label', async () => {
    await open('feature-a', ['rollout']);
    await open('feature-b');
    await forge.closePullRequest(2);
    const numbers = async (filter?: Parameters<Forge['listPullRequests']>[0]) => (await forge.listPullRequests(filter)).map((pr) => pr.number);
    expect(await numbers()).toEqual([1]);
    expect(await numbers({ state: 'closed' })).toEqual([2]);
    expect(await numbers({ state: 'all' })).toEqual([1, 2]);
    expect(await numbers({ state: 'all', head: 'feature-b' })).toEqual([2]);
    expect(await numbers({ state: 'all', label: 'rollout' })).toEqual([1]);
  });

  it('keeps one bot comment per marker, edited in place', async () => {
    await open('feature-a');
    const marker = commentMarker('report');
    const first = await forge.upsertComment(1, marker, 'first');
    expect(first.body).toBe(`${marker}\nfirst`);
    await forge.upsertComment(1, marker, `${marker}\nsecond`);
    await forge.upsertComment(1, commentMarker('other'), 'other');
    expect((await forge.listComments(1)).map((c) => [c.id, c.body])).toEqual([
      [1, `${marker}\nsecond`],
      [2, `${commentMarker('other')}\nother`],
    ]);
  });

  it('refuses the author’s own approval or change request, as GitHub does, and takes their comment', async () => {
    const pr = await open('feature-a');
    await expect(forge.submitReview(1, { state: 'APPROVED', reviewer: pr.author })).rejects.toThrow(/Can not approve your own pull request/);
    await expect(forge.submitReview(1, { state: 'CHANGES_REQUESTED', body: 'no', reviewer: pr.author })).rejects.toThrow(/own pull request/);
    expect((await forge.submitReview(1, { state: 'COMMENTED', body: 'a note', reviewer: pr.author })).state).toBe('COMMENTED');
    expect(await forge.listReviews(1)).toHaveLength(1);
  });

  it('records reviews on the head commit and refuses a change request without a body', async () => {
    await open('feature-a');
    const approval = await forge.submitReview(1, { state: 'APPROVED', reviewer: 'alice' });
    const commitSha = await h.tip('feature-a');
    expect(approval).toEqual({ id: 1, reviewer: 'alice', reviewerIsBot: false, state: 'APPROVED', body: '', commitSha, submittedAt: NOW.toISOString() });
    await expect(forge.submitReview(1, { state: 'CHANGES_REQUESTED' })).rejects.toThrow(UsageError);
    expect((await forge.submitReview(1, { state: 'COMMENTED', body: 'ok' })).reviewer).toBe('Test Runner');
    await forge.submitReview(1, { state: 'APPROVED', reviewer: 'renovate[bot]' });
    expect((await forge.listReviews(1)).map((r) => [r.reviewer, r.reviewerIsBot, r.state])).toEqual([
      ['alice', false, 'APPROVED'],
      ['Test Runner', false, 'COMMENTED'],
      ['renovate[bot]', true, 'APPROVED'],
    ]);
  });

  it('deletes the comment that carries a marker, and nothing when none does', async () => {
    await open('feature-a');
    const [part1, part2] = [commentMarker('plan:1'), commentMarker('plan:2')];
    await forge.upsertComment(1, part1, 'one');
    await forge.upsertComment(1, part2, 'two');
    await forge.deleteComment(1, part2);
    await forge.deleteComment(1, part2);
    expect((await forge.listComments(1)).map((c) => c.body)).toEqual([`${part1}\none`]);
    await expect(forge.deleteComment(1, '')).rejects.toThrow(UsageError);
    await expect(forge.deleteComment(9, part1)).rejects.toThrow(NotFoundError);
  });

  it('lists the files a pull request changes, before and after the merge', async () => {
    await open('feature-a');
    await open('feature-b');
    expect(await forge.listChangedFiles(1)).toEqual(['a.txt']);
    await forge.mergePullRequest(1);
    expect([await forge.listChangedFiles(1), await forge.listChangedFiles(2)]).toEqual([['a.txt'], ['b.txt']]);
    await expect(forge.listChangedFiles(3)).rejects.toThrow(NotFoundError);
  });

  it('adds labels once and refuses to remove a missing one', async () => {
    await open('feature-a', ['a']);
    await forge.addLabels(1, ['b', 'a']);
    await forge.removeLabel(1, 'a');
    expect((await forge.getPullRequest(1)).labels).toEqual(['b']);
    await expect(forge.removeLabel(1, 'a')).rejects.toThrow(NotFoundError);
  });

  it('updates, closes and then refuses to review or merge', async () => {
    await open('feature-a');
    expect(await forge.updatePullRequest(1, { body: 'New body.' })).toMatchObject({ title: 'From feature-a', body: 'New body.' });
    expect((await forge.closePullRequest(1)).state).toBe('closed');
    expect((await forge.closePullRequest(1)).state).toBe('closed');
    await expect(forge.submitReview(1, { state: 'APPROVED' })).rejects.toThrow(ForgeError);
    await expect(forge.mergePullRequest(1)).rejects.toThrow(ForgeError);
  });

  it('merges onto the base branch once', async () => {
    await open('feature-a');
    const merged = await forge.mergePullRequest(1);
    expect(merged).toMatchObject({ state: 'merged', mergeCommitSha: await h.tip('main') });
    expect(await forge.getPullRequest(1)).toEqual(merged);
    await expect(forge.closePullRequest(1)).rejects.toThrow(ForgeError);
    await expect(forge.mergePullRequest(1)).rejects.toThrow(ForgeError);
  });

  it('merges only the head commit it is told to, so a later push needs a new approval', async () => {
    await open('feature-a');
    const approved = await h.tip('feature-a');
    const pushed = await h.push('feature-a');
    await expect(forge.mergePullRequest(1, { sha: approved })).rejects.toThrow(`#1 was not merged: its head is no longer ${approved}`);
    expect((await forge.getPullRequest(1)).state).toBe('open');
    await expect(forge.mergePullRequest(1, { sha: 'abc' })).rejects.toThrow(UsageError);
    expect(await forge.mergePullRequest(1, { sha: pushed })).toMatchObject({ state: 'merged', headSha: pushed });
  });

  it('keeps the latest status per context', async () => {
    const sha = await h.tip('feature-a');
    await forge.setStatus({ sha, context: 'cairn/verify', state: 'pending', description: '' });
    await forge.setStatus({ sha, context: 'cairn/verify', state: 'success', description: 'clean' });
    expect(await forge.getStatuses(sha)).toEqual([{ sha, context: 'cairn/verify', state: 'success', description: 'clean' }]);
  });
});

describe('FakeForge', () => {
  it('records merges and moves the base branch deterministically', async () => {
    const make = async () => {
      const fake = new FakeForge({ branches: { 'feature-a': 'a'.repeat(40) } });
      await fake.openPullRequest({ head: 'feature-a', base: 'main', title: 'A', body: '' });
      await fake.mergePullRequest(1, { method: 'squash' });
      return fake;
    };
    const [one, two] = [await make(), await make()];
    expect(one.merges).toEqual([
      { head: 'feature-a', headSha: 'a'.repeat(40), base: 'main', method: 'squash', message: 'A (#1)', sha: one.branchSha('main') },
    ]);
    expect(two.branchSha('main')).toBe(one.branchSha('main'));
  });
});
