import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { LocalForge } from '../../src/forge/local-forge.js';
import { applyThresholdPlanComment } from '../../src/gate/apply-threshold-plan-comment.js';
import { renderThresholdPlan } from '../../src/gate/render-threshold-plan.js';
import { runThresholdPlan, type ThresholdPlan } from '../../src/gate/run-threshold-plan.js';
import { replayDecisions } from '../../src/gate/replay-decisions.js';
import { runInit } from '../../src/init/run-init.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { rolloutFile } from '../helpers/builders.js';
import { initRepo, tempDir } from '../helpers/git.js';
import { useFakeGitHub } from '../forge/github-harness.js';
import { formatOneGate, measured, recordedGate, SHIPPED } from './recorded-gates.js';

// A repository with recorded decisions and a rollout in progress, and a pull request that raises
// min_class_f1, switches the per-class regression off and changes the rollout stages.
let dir: string;
let cleanup: () => Promise<void>;
let plan: ThresholdPlan;

const shipped = (name: string) => readFileSync(new URL(`../../thresholds/${name}.yaml`, import.meta.url), 'utf8');
const ref = { path: 'registry/shapes/1.1.0/manifest.json', sha256: 'a'.repeat(64) };

beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await initRepo(dir);
  const first = measured({ circle: 0.93, square: 0.9 });
  const later = measured({ circle: 0.93, square: 0.83 });
  await runInit({
    dir,
    runId: 'test',
    extraFiles: [
      recordedGate('shapes', '1.0.0', first),
      recordedGate('shapes', '1.1.0', measured({ circle: 0.95, square: 0.795 }), { measurements: later, comparable: true, model_version: '1.0.1' }),
      recordedGate('shapes', '1.2.0', measured({ circle: 0.95, square: 0.81 }), { measurements: first, comparable: true, model_version: '1.0.0' }),
      recordedGate('shapes', '1.3.0', measured({ circle: 0.6, square: 0.9 })),
      recordedGate('shapes', '1.4.0', measured({ circle: 0.96, square: 0.75 })),
      formatOneGate('digits', '0.9.0'),
      rolloutFile('shapes', {
        production: { model_version: '1.0.0', manifest: { ...ref, path: 'registry/shapes/1.0.0/manifest.json' } },
        candidate: { model_version: '1.1.0', manifest: ref, gate: { ...ref, path: 'registry/shapes/1.1.0/gate.json' }, percent: 25, approval: null },
      }),
    ],
  });
  await commitStage({
    dir,
    stage: 'edit',
    runId: 'test',
    branch: 'stricter',
    startPoint: 'main',
    plan: () => ({
      subject: 'stricter class F1, new stages',
      files: [
        { path: 'thresholds/gating.yaml', content: shipped('gating').replace('min_class_f1: 0.70', 'min_class_f1: 0.80').replace('class_f1: 0.05', 'class_f1: null') },
        { path: 'thresholds/rollout.yaml', content: shipped('rollout').replace('stages: [5, 25, 100]', 'stages: [0, 10, 50, 100]') },
      ],
    }),
  });
  plan = await runThresholdPlan({ reader: new RepoReader(dir), base: 'main', ref: 'stricter' });
});
afterAll(() => cleanup());

describe('cairn thresholds plan', () => {
  it('replays every recorded decision under the thresholds in force and the proposed ones', () => {
    expect(plan.gating.changes).toEqual([
      { key: 'min_class_f1', before: 0.7, after: 0.8 },
      { key: 'max_regression.class_f1', before: 0.05, after: null },
    ]);
    expect(plan.replayed.map((d) => [d.model_version, d.recorded, d.current, d.proposed])).toEqual([
      ['1.0.0', 'approve', 'approve', 'approve'],
      ['1.1.0', 'approve', 'approve', 'require_manual_review'],
      ['1.2.0', 'reject', 'reject', 'require_manual_review'],
      ['1.3.0', 'reject', 'reject', 'reject'],
      ['1.4.0', 'approve', 'approve', 'reject'],
    ]);
    expect(plan.unreplayable).toEqual([{ model: 'digits', model_version: '0.9.0', path: 'registry/digits/0.9.0/gate.json', decision: 'approve', reason: 'format 1 recorded no measurements' }]);
    expect(plan.rollout.moves).toEqual([{ model: 'shapes', model_version: '1.1.0', percent: 25, nextNow: 100, nextProposed: 50 }]);
  });

  it('renders one comment: flips with their numbers, rollouts a stage change moves, the rest collapsed', () => {
    expect(plan.comment.parts).toHaveLength(1);
    expect(plan.comment.parts[0]!.body).toMatchInlineSnapshot(`
      "<!-- cairn:threshold-plan -->
      ### Threshold plan: 3 of 5 recorded gate decisions would change

      - \`thresholds/gating.yaml\`: \`min_class_f1\` 0.7 → 0.8, \`max_regression.class_f1\` 0.05 → off
      - \`thresholds/rollout.yaml\`: \`stages\` [5,25,100] → [0,10,50,100]

      | model | version | decision now → with this change | what changed |
      | --- | --- | --- | --- |
      | shapes | 1.1.0 | approve → **require_manual_review** | \`class_f1:square\` 0.7950 vs 0.7 → 0.8: pass → review, margin −0.0050 |
      | shapes | 1.2.0 | reject → **require_manual_review** | \`class_f1_drop:square\` 0.0900 vs 0.05 → off: fail → skipped |
      | shapes | 1.4.0 | approve → **reject** | \`class_f1:square\` 0.7500 vs 0.7 → 0.8: pass → fail, margin −0.0500 |

      Rollouts in progress on a stage the proposed stages drop:

      | model | candidate | at | next stage now | next stage with this change |
      | --- | --- | --- | --- | --- |
      | shapes | 1.1.0 | 25% | 100% | **50%** |

      <details><summary>2 decisions that would not change</summary>

      | model | version | decision | recorded by the gate |
      | --- | --- | --- | --- |
      | shapes | 1.0.0 | approve | approve |
      | shapes | 1.3.0 | reject | reject |

      </details>

      <details><summary>1 decision that cannot be replayed</summary>

      | model | version | decision | why |
      | --- | --- | --- | --- |
      | digits | 0.9.0 | approve | format 1 recorded no measurements |

      </details>
      "
    `);
  });

  it('prints the plan from the CLI, and as JSON', async () => {
    const out: string[] = [];
    const code = await runCli(['-C', dir, 'thresholds', 'plan', '--base', 'main', '--ref', 'stricter', '--json'], { out: (t) => out.push(t), err: () => undefined });
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ flipped: 3, unreplayable: [{ model: 'digits' }], rollout: { moves: [{ model: 'shapes', nextProposed: 50 }] } });
  });
});

describe('the workflow entry (scripts/threshold-plan.ts)', () => {
  it('posts the plan on the pull request and writes it to the job summary and outputs', async () => {
    const pr = await new LocalForge({ dir, user: 'alice' }).openPullRequest({ head: 'stricter', base: 'main', title: 'Stricter class F1', body: '' });
    const summary = join(dir, '.git', 'step-summary.md');
    const output = join(dir, '.git', 'step-output');
    await Promise.all([writeFile(summary, ''), writeFile(output, '')]);
    const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
    const script = new URL('../../scripts/threshold-plan.ts', import.meta.url).pathname;
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, PR_NUMBER: String(pr.number), BASE_REF: 'main', HEAD_REF: 'stricter' };
    await promisify(execFile)(tsx, [script], { cwd: dir, env });

    const comments = await new LocalForge({ dir }).listComments(pr.number);
    expect(comments.map((c) => c.body)).toEqual([plan.comment.parts[0]!.body]);
    expect(await readFile(summary, 'utf8')).toContain(plan.comment.parts[0]!.body);
    expect(await readFile(output, 'utf8')).toMatch(/^flipped<<.*\n3\n/);
  }, 60_000);
});

describe('the plan comment on GitHub', () => {
  const harness = useFakeGitHub();
  const mutations = () => harness.sent().filter(([method]) => method !== 'GET').map(([method, path]) => `${method} ${path}`);

  it('is one comment, edited in place on the next push', async () => {
    const pr = await harness.forge.openPullRequest({ head: 'feature-a', base: 'main', title: 'Stricter class F1', body: '' });
    harness.sent();
    await applyThresholdPlanComment(harness.forge, pr.number, plan.comment);
    await applyThresholdPlanComment(harness.forge, pr.number, plan.comment);
    expect(mutations()).toEqual([`POST /repos/acme/models/issues/${pr.number}/comments`, 'PATCH /repos/acme/models/issues/comments/1']);
    expect(harness.github.comments.map((c) => c.body)).toEqual([plan.comment.parts[0]!.body]);
  });

  it('splits a long plan into parts, and deletes the parts a shorter plan no longer needs', async () => {
    const pr = await harness.forge.openPullRequest({ head: 'feature-a', base: 'main', title: 'Stricter class F1', body: '' });
    const records = Array.from({ length: 3000 }, (_, i) => ({ model: `model-${i % 7}`, model_version: `1.${i}.0`, decision: 'approve' as const, candidate: measured({ circle: 0.93, square: i % 2 ? 0.95 : 0.75 }), baseline: null }));
    const view = { gating: plan.gating, rollout: plan.rollout, unreplayable: [] };
    const long = renderThresholdPlan({ ...view, replayed: replayDecisions(records, SHIPPED, { ...SHIPPED, min_class_f1: 0.8 }) });
    const short = renderThresholdPlan({ ...view, replayed: replayDecisions(records.slice(0, 10), SHIPPED, { ...SHIPPED, min_class_f1: 0.8 }) });
    expect(long.parts.length).toBeGreaterThanOrEqual(3);
    expect(short.parts).toHaveLength(1);

    expect(await applyThresholdPlanComment(harness.forge, pr.number, long)).toEqual({ updated: long.parts.length, deleted: 0 });
    expect(harness.github.comments).toHaveLength(long.parts.length);
    expect(await applyThresholdPlanComment(harness.forge, pr.number, short)).toEqual({ updated: 1, deleted: long.parts.length - 1 });
    expect(harness.github.comments.map((c) => c.body)).toEqual([short.parts[0]!.body]);
  });
});
