import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaError, WriteOnceError } from '../../src/errors.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { headOf, initRepo, statusOf, tempDir } from '../helpers/git.js';
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
