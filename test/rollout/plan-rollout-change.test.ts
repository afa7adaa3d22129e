import { describe, expect, it } from 'vitest';
import type { RolloutStateV2 } from '../../src/artifacts/schemas/promotion.js';
import { PolicyError, UsageError } from '../../src/errors.js';
import { assertStages, planRolloutChange, type RolloutCandidate, type RolloutChange } from '../../src/rollout/plan-rollout-change.js';

const now = new Date('2026-12-01T10:00:00.000Z');
const ref = (path: string) => ({ path, sha256: 'a'.repeat(64) });
const candidate = (version: string, decision: RolloutCandidate['decision'] = 'approve'): RolloutCandidate => ({
  model_version: version,
  manifest: ref(`registry/shapes/${version}/manifest.json`),
  gate: ref(`registry/shapes/${version}/gate.json`),
  decision,
});

function run(changes: RolloutChange[], start: RolloutStateV2 | null = null): RolloutStateV2 {
  let state = start;
  for (const [index, change] of changes.entries()) {
    const body = planRolloutChange('shapes', state, change, { reason: `step ${index + 1}`, now });
    state = { schema: 'RolloutState/v2', checksum: '0'.repeat(64), ...body };
  }
  return state!;
}

describe('rollout changes', () => {
  it('starts at the first stage, advances stage by stage and promotes, keeping the old production as previous', () => {
    const first = run([{ action: 'start', candidate: candidate('1.0.0'), stages: [5, 25, 100] }, { action: 'advance' }, { action: 'advance' }, { action: 'promote' }]);
    expect(first.production).toMatchObject({ model_version: '1.0.0', gate: ref('registry/shapes/1.0.0/gate.json') });
    expect(first.candidate).toBeNull();
    expect(first.previous).toBeNull();

    const second = run([{ action: 'start', candidate: candidate('1.1.0'), stages: [0, 10, 50, 100] }], first);
    expect(second.candidate).toMatchObject({ model_version: '1.1.0', percent: 0, stages: [0, 10, 50, 100] });
    const promoted = run([{ action: 'advance' }, { action: 'advance' }, { action: 'advance' }, { action: 'promote' }], second);
    expect(promoted.production?.model_version).toBe('1.1.0');
    expect(promoted.previous).toEqual({ model_version: '1.0.0', manifest: ref('registry/shapes/1.0.0/manifest.json') });
    expect(promoted).toMatchObject({ action: 'promote', reason: 'step 4', updated_at: '2026-12-01T10:00:00.000Z' });
  });

  it('refuses, naming the rule, what verify would refuse', () => {
    const rule = (changes: RolloutChange[], start: RolloutStateV2 | null = null) => {
      try {
        run(changes, start);
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyError);
        return (error as PolicyError).data.rule;
      }
      throw new Error('expected a refusal');
    };
    expect(rule([{ action: 'start', candidate: candidate('1.0.0', 'reject'), stages: [5, 25, 100] }])).toBe('rejected');
    expect(rule([{ action: 'start', candidate: candidate('1.0.0'), stages: [5, 25, 100] }, { action: 'promote' }])).toBe('skipped-stage');
    expect(rule([{ action: 'advance' }])).toBe('no-candidate');
    const live = run([{ action: 'start', candidate: candidate('1.0.0'), stages: [5, 100] }]);
    expect(rule([{ action: 'start', candidate: candidate('1.1.0'), stages: [5, 100] }], live)).toBe('one-candidate');
    expect(rule([{ action: 'advance' }, { action: 'advance' }], live)).toBe('last-stage');
    expect(rule([{ action: 'pin', version: '0.9.0' }], live)).toBe('pin-unknown');
    expect(rule([{ action: 'kill-switch-off' }], live)).toBe('no-change');
  });

  it('aborts a candidate, records an approval, pins and flips the kill switch', () => {
    const live = run([{ action: 'start', candidate: candidate('1.0.0', 'require_manual_review'), stages: [5, 100] }]);
    expect(live.candidate?.approval).toBeNull();
    const approval = { by: 'bob', at: '2026-12-01T09:00:00.000Z', pull_request: 4, commit: 'c'.repeat(40) };
    expect(run([{ action: 'approve', approval }], live).candidate?.approval).toEqual(approval);
    expect(run([{ action: 'abort' }], live).candidate).toBeNull();
    expect(run([{ action: 'pin', version: '1.0.0' }, { action: 'kill-switch-on' }], live)).toMatchObject({ pinned: '1.0.0', kill_switch: true, action: 'kill-switch-on' });
  });

  it('accepts only stages that increase and end at 100', () => {
    expect(() => assertStages([0, 10, 50, 100])).not.toThrow();
    for (const bad of [[], [5, 25], [25, 5, 100], [5, 5, 100], [-5, 100], [5, 100, 100]]) expect(() => assertStages(bad)).toThrow(UsageError);
  });
});
