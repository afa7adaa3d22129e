import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { encodeArtifact } from '../../src/artifacts/codec.js';
import { paths } from '../../src/artifacts/layout.js';
import { exportFileSource } from '../../src/dataset/label-studio-source.js';
import { runIngestStage, runValidationCheck } from '../../src/dataset/run-ingest-stage.js';
import { LocalForge } from '../../src/forge/local-forge.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { headOf, statusOf, tempDir } from '../helpers/git.js';
import { CELLS_EXPORT as FIXTURE, CELLS_NOW as NOW, initCellsRepo } from '../helpers/cells-repo.js';

const THRESHOLDS = paths.thresholds('validation');

let root: string;
let remote: string;
let cleanup: () => Promise<void>;

/** A clone of the remote on `main`, as a workflow job checks out the base branch. */
async function clone(name: string): Promise<string> {
  const dir = join(root, name);
  await new GitCli(root).run(['clone', '--quiet', remote, dir]);
  const cli = new GitCli(dir);
  await cli.run(['config', 'user.name', name]);
  await cli.run(['config', 'user.email', `${name}@example.test`]);
  return dir;
}

beforeEach(async () => {
  ({ path: root, cleanup } = await tempDir());
  const seed = join(root, 'seed');
  await initCellsRepo(seed);
  remote = join(root, 'remote.git');
  await new GitCli(root).run(['clone', '--quiet', '--bare', seed, remote]);
});
afterEach(() => cleanup());

async function openIngestPullRequest(dir: string) {
  const deps = { dir, reader: new RepoReader(dir), forge: new LocalForge({ dir: remote, user: 'cairn-bot' }), remote: 'origin' };
  const { result, pullRequest } = await runIngestStage(deps, { dataset: 'cells', source: exportFileSource(FIXTURE), fetchImage: null, runId: 'ingest', now: NOW, base: 'origin/main' });
  return { result, pullRequest: pullRequest! };
}

describe('the ingest stage pushes through the store', () => {
  it('starts a branch new to the remote at the base, pushes it and leaves the checkout alone', async () => {
    const work = await clone('ingest');
    const main = await headOf(work);
    const { result, pullRequest } = await openIngestPullRequest(work);
    expect(pullRequest.head).toBe('cairn/ingest/cells/v0001');
    expect(await headOf(remote, 'refs/heads/cairn/ingest/cells/v0001')).toBe(result.commit);
    expect(await headOf(remote, 'refs/heads/cairn/ingest/cells/v0001^')).toBe(main);
    expect(await headOf(work)).toBe(main);
    expect(await statusOf(work)).toBe('');
  });
});

describe('the validation check of an ingest pull request', () => {
  it('commits onto the PR branch from a checkout of the base, re-planning when another push lands first', async () => {
    const { pullRequest } = await openIngestPullRequest(await clone('ingest'));
    const base = (await headOf(remote, 'refs/heads/main'))!;
    const baseThresholds = sha256Hex((await new RepoReader(remote).readFile(base, THRESHOLDS))!);

    // Someone pushes to the PR branch (here: loosening the thresholds) after the check fetched it.
    const other = await clone('other');
    let raced: string | null = null;
    const race = async () => {
      const lenient = encodeArtifact('ValidationThresholds', { ...(await new RepoReader(other).loadArtifact('ValidationThresholds', 'HEAD', THRESHOLDS)), min_samples_per_class: 0 }, THRESHOLDS);
      const pushed = await commitStage({ dir: other, stage: 'edit', runId: 'r', branch: pullRequest.head, plan: () => ({ subject: 'loosen', files: [{ path: THRESHOLDS, content: lenient }] }), push: {} });
      raced = pushed.commit;
    };
    const checker = await clone('checker');
    const reader = new RacingReader(checker, THRESHOLDS, race);
    const main = await headOf(checker);
    const forge = new LocalForge({ dir: remote, user: 'cairn-bot' });
    const { report } = await runValidationCheck({ dir: checker, reader, forge, remote: 'origin' }, { pullRequest: pullRequest.number, runId: 'check', now: NOW, thresholdsRef: base });

    const tip = (await headOf(remote, `refs/heads/${pullRequest.head}`))!;
    expect(raced).not.toBeNull();
    expect(await headOf(remote, `${tip}^`)).toBe(raced);
    const reportPath = paths.validationReport('cells', 'v0001', baseThresholds);
    expect(await new RepoReader(remote).readArtifact('ValidationReport', tip, reportPath)).toEqual(report);
    // Judged by the base's thresholds, not by the ones the PR branch loosened.
    expect(report.thresholds.sha256).toBe(baseThresholds);
    expect(report.passed).toBe(false);
    expect(await forge.getStatuses(tip)).toEqual([expect.objectContaining({ context: 'cairn/validation', state: 'failure' })]);
    // The checkout of the base is as it was.
    expect(await headOf(checker)).toBe(main);
    expect(await statusOf(checker)).toBe('');
  });
});

/** A reader that runs `race` once, the first time the planner reads `path`: between the stage's fetch and its push. */
class RacingReader extends RepoReader {
  private raced = false;
  constructor(
    dir: string,
    private readonly path: string,
    private readonly race: () => Promise<void>,
  ) {
    super(dir);
  }

  override async readFile(ref: string, path: string): Promise<Uint8Array | null> {
    if (path === this.path && !this.raced) {
      this.raced = true;
      await this.race();
    }
    return super.readFile(ref, path);
  }
}
