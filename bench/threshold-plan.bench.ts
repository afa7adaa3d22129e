// The threshold plan over 1,000 recorded gate decisions (100 when quick), committed as gate.json
// files of 20 models in a temporary repository, with a pull request branch that raises
// min_class_f1: every decision read from git, replayed twice and rendered. Timed with a fresh
// reader (nothing cached), then again with the same reader. Target: at most 1 s.
import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runThresholdPlan } from '../src/gate/run-threshold-plan.js';
import { runInit } from '../src/init/run-init.js';
import { GitCli } from '../src/store/git-cli.js';
import { RepoReader } from '../src/store/repo-reader.js';
import { commitStage } from '../src/store/stage-writer.js';
import { measured, recordedGate } from '../test/gate/recorded-gates.js';
import type { Bench } from './types.js';

export const bench: Bench = async ({ quick }) => {
  const count = quick ? 100 : 1_000;
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-plan-'));
  try {
    const cli = new GitCli(dir);
    await cli.run(['init', '--quiet', '--initial-branch=main', dir]);
    const gates = Array.from({ length: count }, (_, i) => {
      const square = 0.7 + ((i * 37) % 100) / 400;
      const production = i % 3 === 0 ? null : { measurements: measured({ circle: 0.93, square: 0.9 }), comparable: true, model_version: '1.0.0' };
      return recordedGate(`model-${i % 20}`, `1.${Math.floor(i / 20) + 1}.0`, measured({ circle: 0.95, square, triangle: 0.9 }), production);
    });
    await runInit({ dir, runId: 'bench', extraFiles: gates });
    const gating = await readFile(join(dir, 'thresholds/gating.yaml'), 'utf8');
    await commitStage({
      dir,
      stage: 'edit',
      runId: 'bench',
      branch: 'stricter',
      startPoint: 'main',
      plan: () => ({ subject: 'stricter', files: [{ path: 'thresholds/gating.yaml', content: gating.replace('min_class_f1: 0.70', 'min_class_f1: 0.80') }] }),
    });

    const reader = new RepoReader(dir);
    const start = performance.now();
    const plan = await runThresholdPlan({ reader, base: 'main', ref: 'stricter' });
    const cold = (performance.now() - start) / 1000;
    const again = performance.now();
    await runThresholdPlan({ reader, base: 'main', ref: 'stricter' });
    const warm = (performance.now() - again) / 1000;
    if (plan.replayed.length !== count) throw new Error(`replayed ${plan.replayed.length} of ${count} decisions`);
    return {
      name: 'threshold-plan',
      figures: [
        { label: `threshold plan, ${count} recorded decisions, fresh reader`, value: cold, unit: 's', ...(quick ? {} : { target: '<= 1', ok: cold <= 1 }) },
        { label: 'the same, objects cached', value: warm, unit: 's' },
      ],
      notes: [`${plan.comment.flipped} decisions would flip; the comment has ${plan.comment.parts.length} part(s), ${plan.comment.parts.reduce((n, p) => n + p.body.length, 0)} characters`],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
