import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRoute, routeBucket } from '../../src/serving/decide-route.js';
import { murmur3x86_32, ROUTE_BUCKETS } from '../../src/serving/route-hash.js';
import { rolloutFile } from '../helpers/builders.js';
import type { RolloutStateV2 } from '../../src/artifacts/schemas/promotion.js';

interface Vectors {
  murmur3: Array<{ input_utf8: string; seed: number; hash: number }>;
  vectors: Array<{ model: string; unit_id: string; key_hex: string; hash: number; bucket: number }>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/route-vectors.json', import.meta.url), 'utf8')) as Vectors;
const manifest = (version: string) => ({ path: `registry/shapes/${version}/manifest.json`, sha256: 'a'.repeat(64) });
const gate = (version: string) => ({ path: `registry/shapes/${version}/gate.json`, sha256: 'b'.repeat(64) });

function state(fields: Partial<RolloutStateV2> & { percent?: number; stages?: number[] } = {}): RolloutStateV2 {
  const { percent, stages, ...rest } = fields;
  const file = rolloutFile('shapes', {
    production: { model_version: '1.0.0', manifest: manifest('1.0.0') },
    candidate: percent === undefined ? null : { model_version: '1.2.0', manifest: manifest('1.2.0'), gate: gate('1.2.0'), percent, approval: null, ...(stages ? { stages } : {}) },
  });
  return { ...(JSON.parse(String(file.content)) as RolloutStateV2), ...rest };
}
const ids = (count: number, prefix = 'unit-') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('the routing hash', () => {
  it('is MurmurHash3 x86_32 as published (seed 0)', () => {
    expect(fixture.murmur3.map(({ input_utf8 }) => murmur3x86_32(new TextEncoder().encode(input_utf8)).toString(16))).toEqual(['0', '248bfa47', 'c0363e43', '2e4ff723']);
    expect(fixture.murmur3.map(({ input_utf8 }) => murmur3x86_32(new TextEncoder().encode(input_utf8)))).toEqual(fixture.murmur3.map((v) => v.hash));
  });

  it('matches every published vector: key bytes, hash and bucket, unicode and the empty id included', () => {
    expect(fixture.vectors.length).toBeGreaterThanOrEqual(30);
    expect(fixture.vectors.some((v) => v.unit_id === '')).toBe(true);
    expect(fixture.vectors.some((v) => /[^\u0000-\u007f]/.test(v.unit_id))).toBe(true);
    for (const vector of fixture.vectors) {
      const key = Buffer.concat([Buffer.from(vector.model), Buffer.from([0]), Buffer.from(vector.unit_id)]);
      expect(key.toString('hex')).toBe(vector.key_hex);
      expect(murmur3x86_32(key)).toBe(vector.hash);
      expect(routeBucket(vector.model, vector.unit_id)).toBe(vector.bucket);
    }
  });

  it('hashes any string, of any length, exactly as the key TextEncoder gives', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('shapes', 'fashion-mnist', 'ü-model'), (unit, model) => {
        const key = new Uint8Array([...encoder.encode(model), 0, ...encoder.encode(unit)]);
        expect(routeBucket(model, unit)).toBe(murmur3x86_32(key) % ROUTE_BUCKETS);
      }),
      { numRuns: 2_000, seed: 42 },
    );
  });

  it('encodes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    const lone = 'a\ud800b';
    const key = Buffer.concat([Buffer.from('shapes'), Buffer.from([0]), Buffer.from(new TextEncoder().encode(lone))]);
    expect(routeBucket('shapes', lone)).toBe(murmur3x86_32(key) % ROUTE_BUCKETS);
  });

  it('spreads 200,000 ids evenly over 100 groups of buckets (chi-square, df 99, p > 0.001)', () => {
    const counts = new Array<number>(100).fill(0);
    for (const id of ids(200_000)) counts[Math.floor(routeBucket('shapes', id) / 100)]!++;
    const expected = 2_000;
    const chiSquare = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(148.2);
  });
});

describe('decideRoute', () => {
  it('is monotone for every pair of stages: a unit in the candidate stays in it as the percent rises', () => {
    const stages = [0, 1, 5, 10, 25, 50, 75, 100];
    const units = ids(20_000);
    const inCandidate = (percent: number) => {
      const at = state({ percent, stages });
      return new Set(units.filter((id) => decideRoute(at, id).role === 'candidate'));
    };
    const sets = stages.map(inCandidate);
    for (let a = 0; a < stages.length; a++) {
      expect(Math.abs(sets[a]!.size / units.length - stages[a]! / 100)).toBeLessThan(0.015);
      for (let b = a + 1; b < stages.length; b++) expect([...sets[a]!].filter((id) => !sets[b]!.has(id))).toEqual([]);
    }
    expect(sets.at(-1)!.size).toBe(units.length);
  });

  it('is sticky: the same unit gets the same decision every time, and the salt is the model, not the percent', () => {
    const unit = ids(500).find((id) => routeBucket('shapes', id) < 500)!;
    for (const percent of [5, 25, 100]) expect(decideRoute(state({ percent }), unit)).toMatchObject({ role: 'candidate', version: '1.2.0', reason: null });
    const outside = ids(500).find((id) => routeBucket('shapes', id) >= 2_500)!;
    expect(decideRoute(state({ percent: 25 }), outside)).toMatchObject({ role: 'production', version: '1.0.0', shadow: null, reason: null });
  });

  it('sends the units outside the canary to nothing when there is no production: not_in_canary', () => {
    const outside = ids(500).find((id) => routeBucket('shapes', id) >= 500)!;
    expect(decideRoute(state({ percent: 5, production: null }), outside)).toMatchObject({ role: 'none', version: null, reason: 'not_in_canary' });
    expect(decideRoute(state({ production: null }), outside)).toMatchObject({ role: 'none', version: null, reason: 'unavailable' });
  });

  it('runs a stage-0 candidate, or the shadow, as a shadow beside production', () => {
    expect(decideRoute(state({ percent: 0, stages: [0, 10, 100] }), 'u')).toMatchObject({ role: 'production', version: '1.0.0', shadow: '1.2.0', reason: null });
    expect(decideRoute(state({ shadow: { model_version: '1.1.0', manifest: manifest('1.1.0') } }), 'u')).toMatchObject({ version: '1.0.0', shadow: '1.1.0' });
    const outside = ids(500).find((id) => routeBucket('shapes', id) >= 500)!;
    expect(decideRoute(state({ percent: 5 }), outside, { shadowCandidate: true })).toMatchObject({ version: '1.0.0', shadow: '1.2.0' });
    expect(decideRoute(state({ percent: 5 }), outside)).toMatchObject({ shadow: null });
  });

  it('lets the pin override the canary and the kill switch mark everything observe only', () => {
    const inside = ids(500).find((id) => routeBucket('shapes', id) < 500)!;
    expect(decideRoute(state({ percent: 5, pinned: '1.0.0' }), inside)).toMatchObject({ role: 'pinned', version: '1.0.0', reason: null });
    expect(decideRoute(state({ percent: 5, kill_switch: true }), inside)).toMatchObject({ role: 'candidate', version: '1.2.0', reason: 'observe_only' });
    expect(decideRoute(state({ percent: 5 }), inside, { killSwitch: true })).toMatchObject({ reason: 'observe_only' });
  });
});
