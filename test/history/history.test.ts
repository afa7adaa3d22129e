import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalForge } from '../../src/forge/local-forge.js';
import { classifyRolloutChange } from '../../src/history/describe-rollout-change.js';
import { formatHistory, runHistory, type HistoryEntry } from '../../src/history/run-history.js';
import { parsePullRequestNumber } from '../../src/history/pull-request-ref.js';
import type { FileWrite } from '../../src/store/commit-files.js';
import { GitCli } from '../../src/store/git-cli.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { datasetFiles, gateFile, gatingThresholdsFile, modelVersionFiles, ref, rolloutFile, taxonomyFile } from '../helpers/builders.js';
import { initRepo, tempDir } from '../helpers/git.js';

let dir: string;
let cleanup: () => Promise<void>;
let entries: HistoryEntry[];

const taxonomy = taxonomyFile();
const dataset = datasetFiles('demo', 'ds-1', taxonomy);
const thresholds = gatingThresholdsFile();
const model = modelVersionFiles('shapes', '1.0.0', { taxonomy, datasetManifest: dataset[0]! });
const gate = gateFile('shapes', '1.0.0', { manifest: model[0]!, metrics: model[2]!, thresholds, datasetManifest: dataset[0]! }, 'approve');
const candidate = (percent: 5 | 25 | 100) => ({ model_version: '1.0.0', manifest: ref(model[0]!), gate: ref(gate), percent, approval: null });

beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir());
  const cli = await initRepo(dir);
  const forge = new LocalForge({ dir, now: () => new Date('2026-11-20T12:00:00Z') });
  const stage = (files: FileWrite[], branch?: string, startPoint?: string) =>
    commitStage({ dir, stage: 'test', runId: 'r', branch, startPoint, plan: () => ({ subject: `change ${branch ?? 'main'}`, files }) });
  await stage([taxonomy, ...dataset, thresholds, ...model, gate, rolloutFile('shapes', { reason: 'registered', action: 'init' })]);
  const promote = async (branch: string, title: string, file: FileWrite) => {
    await stage([file], branch, 'main');
    const pr = await forge.openPullRequest({ head: branch, base: 'main', title, body: '' });
    return forge.mergePullRequest(pr.number);
  };
  await promote('rollout-5', 'Roll out shapes 1.0.0 to 5%', rolloutFile('shapes', { candidate: candidate(5), reason: 'gate approved', action: 'start' }));
  await promote('rollout-25', 'Advance shapes 1.0.0 to 25%', rolloutFile('shapes', { candidate: candidate(25), reason: 'healthy at 5%', action: 'advance' }));
  const last = await promote('promote', 'Promote shapes 1.0.0', rolloutFile('shapes', { production: { model_version: '1.0.0', manifest: ref(model[0]!) }, reason: 'healthy at 25%', action: 'promote' }));
  await cli.run(['revert', '--no-edit', '-m', '1', last.mergeCommitSha!]);
  entries = await runHistory({ reader: new RepoReader(dir), model: 'shapes' });
});
afterAll(() => cleanup());

describe('cairn history', () => {
  it('tells the rollout story newest first, with actions, PR numbers and states', () => {
    expect(entries.map((e) => [e.action, e.pullRequest, e.after])).toEqual([
      ['revert', null, 'no production, candidate 1.0.0 at 25%'],
      ['promote', 3, 'production 1.0.0'],
      ['advance', 2, 'no production, candidate 1.0.0 at 25%'],
      ['start', 1, 'no production, candidate 1.0.0 at 5%'],
      ['init', null, 'no production'],
    ]);
    expect(entries[1]).toMatchObject({ subject: 'Merge pull request #3 from promote', reason: 'healthy at 25%', before: 'no production, candidate 1.0.0 at 25%' });
    expect(entries[1]!.author).toMatch(/^Test Runner </);
  });

  it('renders a readable log', () => {
    const text = formatHistory(entries);
    expect(text).toContain('promote (PR #3)');
    expect(text).toContain('no production, candidate 1.0.0 at 25%  →  production 1.0.0');
  });
});

describe('rollout change classification', () => {
  it('takes the action a format 2 state names', () => {
    const base = JSON.parse(rolloutFile('m', { candidate: candidate(25) }).content as string);
    expect(classifyRolloutChange(base, { ...base, action: 'pin', pinned: '1.0.0' }, false)).toBe('pin');
    expect(classifyRolloutChange(base, { ...base, action: 'pin' }, true)).toBe('revert');
  });

  it('tells from the states what a change without a telling action did (format 1, or an approval recorded last)', () => {
    const base = JSON.parse(rolloutFile('m', { candidate: candidate(25), action: 'init' }).content as string);
    const cleared = { ...base, candidate: null };
    expect(classifyRolloutChange(base, cleared, false)).toBe('abort');
    expect(classifyRolloutChange(base, { ...cleared, production: { model_version: '1.0.0', manifest: ref(model[0]!) } }, false)).toBe('promote');
    expect(classifyRolloutChange(base, { ...base, kill_switch: true }, false)).toBe('kill-switch-on');
    expect(classifyRolloutChange(null, { ...base, action: 'approve' }, false)).toBe('start');
  });

  it('finds PR numbers in merge, squash and trailer forms', () => {
    expect(parsePullRequestNumber('Merge pull request #12 from org/branch\n\nTitle')).toBe(12);
    expect(parsePullRequestNumber('Advance shapes to 25% (#34)\n\nbody')).toBe(34);
    expect(parsePullRequestNumber('cairn: rollback\n\nCairn-PR: 7\n')).toBe(7);
    expect(parsePullRequestNumber('plain commit')).toBeNull();
  });
});
