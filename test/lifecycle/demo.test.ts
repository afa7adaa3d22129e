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
const step = (name: string) => demo.steps.find((candidate) => candidate.name === name)?.summary ?? `(no step ${name})`;
/** A step's first line: what it did and what the rollout state says. */
const summary = (name: string) => step(name).split('\n')[0]!;
/** What the uploads sent through `cairn serve` after a rollout change met: shares by version, fallbacks, shadow. */
function served(name: string): { versions: Record<string, number>; fallbacks: string; shadow: string } {
  return servedIn(step(name));
}
function servedIn(text: string): { versions: Record<string, number>; fallbacks: string; shadow: string } {
  const line = /\n {4}served: 200 uploads: ([^;]+); fallback ([^;]+); shadow (.+)$/.exec(text);
  if (!line) throw new Error(`no served line in: ${text}`);
  const versions = Object.fromEntries(line[1]!.split(', ').map((part) => [part.split(' ')[0]!, Number(part.split(' ')[1]!.replace('%', ''))]));
  return { versions, fallbacks: line[2]!, shadow: line[3]! };
}

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir('cairn-demo-test-'));
  demo = await runDemo({ workDir: root, now: () => new Date('2026-12-01T12:00:00.000Z') });
}, 300_000);
afterAll(() => cleanup());

describe('the embedded default (npm start)', () => {
  it('gates the first model, rolls it out stage by stage and promotes it', () => {
    expect(summary('gate 1.0.0')).toMatch(/^approve: the first model/);
    expect(summary('promote 1.0.0')).toMatch(/^approve: promotion PR #\d+ merged; no production, candidate 1\.0\.0 at 5%$/);
    expect(demo.steps.filter((s) => s.name.startsWith('rollout ')).map((s) => s.summary.split('\n')[0]!.replace(/#\d+/, '#N'))).toEqual([
      'PR #N merged: no production, candidate 1.0.0 at 25%',
      'PR #N merged: no production, candidate 1.0.0 at 100%',
      'PR #N merged: production 1.0.0',
    ]);
  });

  it('rejects a degraded candidate and sends a borderline one to a review that another person gives', () => {
    expect(summary('gate 1.1.0')).toMatch(/^reject: .*class_f1_drop:circle \d\.\d+ past <= 0\.05/);
    expect(summary('promote 1.1.0')).toMatch(/^rejected: no promotion PR/);
    expect(summary('gate 1.2.0')).toMatch(/^require_manual_review: class_f1_drop:circle 0\.05\d+ near <= 0\.05$/);
    expect(summary('manual review')).toMatch(/^cairn-bot's own approval refused; bob approved [0-9a-f]{7}; cairn\/gate success: approved by bob; approval recorded in [0-9a-f]{12}$/);
    expect(summary('merge promotion')).toMatch(/merged: production 1\.0\.0, candidate 1\.2\.0 at 5%$/);
  });

  it('sends 200 users\' uploads through cairn serve after each change: the canary share grows, stays sticky, and the shadow runs beside production', () => {
    expect(step('serve')).toMatch(/^cairn serve follows main of the remote, upload log in .*uploads\.sqlite; 200 users upload/);
    const first = served('promote 1.0.0');
    // 1.0.0 at 5% with no production: its canary is served, the rest fall back (not in the canary).
    expect(Object.keys(first.versions).sort()).toEqual(['1.0.0', 'none']);
    expect(first.versions['1.0.0']).toBeGreaterThan(0);
    expect(first.versions['1.0.0']).toBeLessThan(15);
    expect(first.fallbacks).toMatch(/not_in_canary \d+/);
    const [at25, at100, promoted] = demo.steps.filter((s) => s.name.startsWith('rollout ')).map((s) => servedIn(s.summary));
    expect(at25!.versions['1.0.0']).toBeGreaterThan(first.versions['1.0.0']!);
    expect(at25!.versions['1.0.0']).toBeLessThan(40);
    expect(at100!.versions).toEqual({ '1.0.0': 100 });
    expect(promoted!.versions).toEqual({ '1.0.0': 100 });
    expect(promoted!.fallbacks).not.toContain('not_in_canary');
    // 1.2.0 at 5% beside production: the same 5% of users (the same buckets), the shadow on the rest.
    const canary = served('merge promotion');
    expect(canary.versions['1.2.0']).toBe(first.versions['1.0.0']);
    expect(canary.shadow).toMatch(/^agreed \d+\/\d+ \([\d.]+%\)$/);
    const rolledBack = served('emergency rollback');
    expect(rolledBack.versions).toEqual({ '1.0.0': 100 });
    expect(rolledBack.shadow).toBe('none');
  });

  it('rolls back by revert, keeps every artifact, and tells it all in the history', async () => {
    expect(summary('emergency rollback')).toMatch(/^Revert "Merge pull request #\d+ from cairn\/rollout\/shapes\/start-1\.2\.0-[0-9a-f]{8}" pushed to main as [0-9a-f]{12}, 1\.2\.0 stays in the registry: production 1\.0\.0$/);
    const reader = new RepoReader(demo.dir);
    expect(await readRolloutState(reader, 'main', 'shapes')).toMatchObject({ production: { model_version: '1.0.0' }, candidate: null });
    expect(await reader.readFile('main', 'registry/shapes/1.2.0/model.onnx')).not.toBeNull();
    const history = step('history');
    expect([...history.matchAll(/^ {4}\S+ {2}(\S+)/gm)].map((match) => match[1])).toEqual(['revert', 'start', 'promote', 'advance', 'advance', 'start']);
    expect(history).toContain('[reason: error rate of 1.2.0 at 5% is three times production]');
    expect(history).toContain('approved by bob');
    expect((await runVerify({ reader })).violations).toEqual([]);
  });
});
