import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoReport } from '../../src/lifecycle/run-demo.js';
import { readRolloutState } from '../../src/rollout/read-rollout-state.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { runVerify } from '../../src/verify/run-verify.js';
import { tempDir } from '../helpers/git.js';

// What `npm start` runs, on its default data: the whole promotion story, from the code the workflows run.
let root: string;
let cleanup: () => Promise<void>;
let demo: DemoReport;
const summary = (name: string) => demo.steps.find((step) => step.name === name)?.summary ?? `(no step ${name})`;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir('cairn-demo-test-'));
  demo = await runDemo({ workDir: root, now: () => new Date('2026-12-01T12:00:00.000Z') });
}, 300_000);
afterAll(() => cleanup());

describe('the embedded default (npm start)', () => {
  it('gates the first model, rolls it out stage by stage and promotes it', () => {
    expect(summary('gate 1.0.0')).toMatch(/^approve: the first model/);
    expect(summary('promote 1.0.0')).toMatch(/^approve: promotion PR #\d+ merged; no production, candidate 1\.0\.0 at 5%$/);
    expect(demo.steps.filter((step) => step.name.startsWith('rollout ')).map((step) => step.summary.replace(/#\d+/, '#N'))).toEqual([
      'PR #N merged: no production, candidate 1.0.0 at 25%',
      'PR #N merged: no production, candidate 1.0.0 at 100%',
      'PR #N merged: production 1.0.0',
    ]);
  });

  it('rejects a degraded candidate and sends a borderline one to a review that another person gives', () => {
    expect(summary('gate 1.1.0')).toMatch(/^reject: .*class_f1_drop:circle \d\.\d+ past <= 0\.05/);
    expect(summary('promote 1.1.0')).toMatch(/^rejected: no promotion PR/);
    expect(summary('gate 1.2.0')).toMatch(/^require_manual_review: class_f1_drop:square 0\.05\d+ near <= 0\.05$/);
    expect(summary('manual review')).toMatch(/^cairn-bot's own approval refused; bob approved [0-9a-f]{7}; cairn\/gate success: approved by bob; approval recorded in [0-9a-f]{12}$/);
    expect(summary('merge promotion')).toMatch(/merged: production 1\.0\.0, candidate 1\.2\.0 at 5%$/);
  });

  it('rolls back by revert, keeps every artifact, and tells it all in the history', async () => {
    expect(summary('emergency rollback')).toMatch(/^Revert "Merge pull request #\d+ from cairn\/rollout\/shapes\/start-1\.2\.0-[0-9a-f]{8}" pushed to main as [0-9a-f]{12}: production 1\.0\.0; 1\.2\.0 stays in the registry$/);
    const reader = new RepoReader(demo.dir);
    expect(await readRolloutState(reader, 'main', 'shapes')).toMatchObject({ production: { model_version: '1.0.0' }, candidate: null });
    expect(await reader.readFile('main', 'registry/shapes/1.2.0/model.onnx')).not.toBeNull();
    const history = summary('history');
    expect([...history.matchAll(/^ {4}\S+ {2}(\S+)/gm)].map((match) => match[1])).toEqual(['revert', 'start', 'promote', 'advance', 'advance', 'start']);
    expect(history).toContain('[reason: error rate of 1.2.0 at 5% is three times production]');
    expect(history).toContain('approved by bob');
    expect((await runVerify({ reader })).violations).toEqual([]);
  });
});
