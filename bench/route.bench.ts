// Routing decisions per second on one core (`decideRoute` on a candidate at 25%, distinct unit ids
// built beforehand), and the chi-square uniformity of the 10,000 buckets over 1,000,000 ids.
import { performance } from 'node:perf_hooks';
import { buildArtifact } from '../src/artifacts/codec.js';
import type { RolloutStateV2 } from '../src/artifacts/schemas/promotion.js';
import { decideRoute, routeBucket } from '../src/serving/decide-route.js';
import { ROUTE_BUCKETS } from '../src/serving/route-hash.js';
import type { Bench } from './types.js';

const T0 = '2026-11-01T00:00:00.000Z';
const ref = (path: string) => ({ path, sha256: 'a'.repeat(64) });

export const bench: Bench = async ({ quick }) => {
  const state = buildArtifact('RolloutState', {
    model: 'shapes',
    production: { model_version: '1.0.0', manifest: ref('registry/shapes/1.0.0/manifest.json'), gate: null, approval: null, since: T0 },
    previous: null,
    candidate: { model_version: '1.2.0', manifest: ref('registry/shapes/1.2.0/manifest.json'), gate: ref('registry/shapes/1.2.0/gate.json'), stages: [5, 25, 100], percent: 25, approval: null, since: T0 },
    shadow: null,
    kill_switch: false,
    pinned: null,
    action: 'advance',
    reason: 'bench',
    updated_at: T0,
  }) as RolloutStateV2;
  const count = quick ? 200_000 : 1_000_000;
  const ids = Array.from({ length: count }, (_, i) => `user-${i}-${(i * 2654435761) >>> 0}`);

  let candidate = 0;
  for (const id of ids.slice(0, 10_000)) if (decideRoute(state, id).role === 'candidate') candidate++;
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    for (const id of ids) if (decideRoute(state, id).role === 'candidate') candidate++;
    best = Math.min(best, (performance.now() - start) / 1000);
  }

  const counts = new Float64Array(ROUTE_BUCKETS);
  for (let i = 0; i < count; i++) counts[routeBucket('shapes', `unit-${i}`)]!++;
  const expected = count / ROUTE_BUCKETS;
  let chiSquare = 0;
  for (const n of counts) chiSquare += (n - expected) ** 2 / expected;
  // df = 9,999: the 0.999 quantile is 9,999 + 3.09 · √(2 · 9,999) ≈ 10,436 (normal approximation).
  const critical = ROUTE_BUCKETS - 1 + 3.09 * Math.sqrt(2 * (ROUTE_BUCKETS - 1));
  return {
    name: 'route',
    figures: [
      { label: 'decideRoute, candidate at 25%', value: count / best, unit: 'decisions/s', target: '>= 5,000,000', ok: count / best >= 5_000_000 },
      { label: `chi-square of ${count.toLocaleString('en')} ids over 10,000 buckets (df 9,999)`, value: chiSquare, unit: '', target: `<= ${critical.toFixed(0)} (p 0.001)`, ok: chiSquare <= critical },
    ],
    notes: [`best of 3 rounds over ${count.toLocaleString('en')} distinct ids; ${((candidate / (10_000 + 3 * count)) * 100).toFixed(2)}% routed to the candidate`],
  };
};
