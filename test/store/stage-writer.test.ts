import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaError, WriteOnceError } from '../../src/errors.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { headOf, initRepo, remoteWithClones, statusOf, tempDir } from '../helpers/git.js';
import { rolloutFile, taxonomyFile } from '../helpers/builders.js';
import type { FileWrite } from '../../src/store/commit-files.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await initRepo(dir);
});
afterEach(() => cleanup());

const write = (files: FileWrite[], stage = 'test') => commitStage({ dir, stage, runId: 'run-1', plan: () => ({ subject: `cairn: ${stage}`, files }) });

describe('commitStage', () => {
  it('commits a stage as one commit with trailers, and the work tree follows', async () => {
    const taxonomy = taxonomyFile();
    const result = await write([taxonomy]);
    expect(result.commit).toBe(await headOf(dir));
    expect(result.parent).toBeNull();
    const message = await new GitCli(dir).run(['log', '-1', '--format=%B']);
    expect(message).toContain('Cairn-Stage: test\nCairn-Run: run-1\nCairn-Artifact: datasets/taxonomies/taxonomy_v1.json');
    expect(await readFile(join(dir, taxonomy.path), 'utf8')).toBe(taxonomy.content);
    expect(await statusOf(dir)).toBe('');
  });

  it('writes objects git itself accepts (fsck), in-process blobs included', async () => {
    await write([taxonomyFile('taxonomy_v1')]);
    await write([taxonomyFile('taxonomy_v2', ['cat', 'dog'])]);
    const big = taxonomyFile('taxonomy_v3', Array.from({ length: 2000 }, (_, i) => `class_${i}`));
    await write([big]);
    await new GitCli(dir).run(['fsck', '--full', '--strict']);
    expect(await new GitCli(dir).run(['cat-file', '-p', `HEAD:${big.path}`])).toBe(big.content);
  });

  it('reads any artifact at any ref without a checkout', async () => {
    const first = await write([taxonomyFile('taxonomy_v1')]);
    const second = await write([taxonomyFile('taxonomy_v2', ['cat', 'dog'])]);
    const reader = new RepoReader(dir);
    const v2 = await reader.readArtifact('Taxonomy', 'HEAD', 'datasets/taxonomies/taxonomy_v2.json');
    expect(v2?.classes.map((c) => c.name)).toEqual(['cat', 'dog']);
    expect(await reader.readArtifact('Taxonomy', first.commit!, 'datasets/taxonomies/taxonomy_v2.json')).toBeNull();
    expect(await reader.resolveCommit('main')).toBe(second.commit);
  });

  it('refuses to change a write-once artifact and leaves history and work tree as they were', async () => {
    await write([taxonomyFile('taxonomy_v1', ['a', 'b'])]);
    const before = await headOf(dir);
    await expect(write([taxonomyFile('taxonomy_v1', ['a', 'c'])])).rejects.toThrow(WriteOnceError);
    expect(await headOf(dir)).toBe(before);
    expect(await statusOf(dir)).toBe('');
  });

  it('writes nothing when every file is already committed as it is', async () => {
    await write([taxonomyFile()]);
    const before = await headOf(dir);
    const again = await write([taxonomyFile()]);
    expect(again.commit).toBeNull();
    expect(await headOf(dir)).toBe(before);
  });

  it('lets rollout.json change: it is the one mutable artifact', async () => {
    await write([rolloutFile('m', { reason: 'first' })]);
    const second = await write([rolloutFile('m', { reason: 'second' })]);
    expect(second.commit).not.toBeNull();
    const state = await new RepoReader(dir).readArtifact('RolloutState', 'HEAD', 'registry/m/rollout.json');
    expect(state?.reason).toBe('second');
  });

  it('refuses a file that breaks its schema, naming the JSON path, before writing anything', async () => {
    await write([taxonomyFile()]);
    const before = await headOf(dir);
    const broken = { path: 'datasets/taxonomies/bad.json', content: '{"schema":"Taxonomy/v1","classes":"nope"}' };
    const error = await write([taxonomyFile('taxonomy_v9'), broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).errors.map((e) => e.path)).toContain('/classes');
    expect(await headOf(dir)).toBe(before);
    expect(await statusOf(dir)).toBe('');
  });

  it('refuses local edits to files the stage would write', async () => {
    const taxonomy = taxonomyFile('taxonomy_v3');
    await mkdir(join(dir, 'datasets/taxonomies'), { recursive: true });
    await writeFile(join(dir, taxonomy.path), 'local work in progress');
    await expect(write([taxonomy])).rejects.toThrow(/local changes/);
    expect(await readFile(join(dir, taxonomy.path), 'utf8')).toBe('local work in progress');
  });
});

describe('commitStage hands back the value of the plan it committed', () => {
  it('returns the planner value, typed, from the last plan after a re-plan', async () => {
    const { remote, clones } = await remoteWithClones(dir, 2);
    const [mine, theirs] = clones as [string, string];
    await commitStage({ dir: theirs, stage: 'seed', runId: 'r', plan: () => ({ subject: 'seed', files: [taxonomyFile('seed')] }), push: {} });
    let plans = 0;
    const result = await commitStage({
      dir: mine,
      stage: 'test',
      runId: 'r',
      push: { backoffMs: 1 },
      plan: async ({ parent }) => {
        plans++;
        // Another writer lands between this plan's fetch and its push, once.
        if (plans === 1) await commitStage({ dir: theirs, stage: 'race', runId: 'r', plan: () => ({ subject: 'race', files: [taxonomyFile('race')] }), push: {} });
        return { subject: 'mine', files: [taxonomyFile('mine')], value: { plans, parent } };
      },
    });
    const value: { plans: number; parent: string | null } = result.value;
    expect(value).toEqual({ plans: 2, parent: await headOf(remote, 'main^') });
    expect(result.commit).toBe(await headOf(remote, 'main'));
  });

  it('returns the value when there is nothing to write', async () => {
    await write([taxonomyFile()]);
    const again = await commitStage({ dir, stage: 't', runId: 'r', plan: () => ({ subject: 't', files: [taxonomyFile()], value: 'already there' }) });
    expect(again).toMatchObject({ commit: null, value: 'already there' });
  });
});

describe('commitStage pushing a branch the remote does not have yet', () => {
  it('starts it at the start point, not as a root commit, and pushes it', async () => {
    const { remote, clones } = await remoteWithClones(dir, 1);
    const clone = clones[0]!;
    const base = await commitStage({ dir: clone, stage: 'seed', runId: 'r', plan: () => ({ subject: 'seed', files: [taxonomyFile('seed')] }), push: {} });
    const result = await commitStage({ dir: clone, stage: 't', runId: 'r', branch: 'feature', startPoint: 'origin/main', plan: () => ({ subject: 't', files: [taxonomyFile('new')] }), push: {} });
    expect(result.parent).toBe(base.commit);
    expect(await headOf(remote, 'feature')).toBe(result.commit);
    expect(await headOf(remote, 'feature^')).toBe(base.commit);
    expect(await headOf(clone, 'refs/heads/feature')).toBe(result.commit);
  });

  it('creates no branch when there is nothing to write', async () => {
    const { remote, clones } = await remoteWithClones(dir, 1);
    const clone = clones[0]!;
    await commitStage({ dir: clone, stage: 'seed', runId: 'r', plan: () => ({ subject: 'seed', files: [taxonomyFile('seed')] }), push: {} });
    const result = await commitStage({ dir: clone, stage: 't', runId: 'r', branch: 'feature', startPoint: 'origin/main', plan: () => ({ subject: 't', files: [taxonomyFile('seed')] }), push: {} });
    expect(result.commit).toBeNull();
    expect(await headOf(remote, 'feature')).toBeNull();
    expect(await headOf(clone, 'refs/heads/feature')).toBeNull();
  });
});
