// Isotonic calibration fit on 1,000,000 scored points (100,000 when quick): scores from a skewed
// distribution, binary labels drawn with a miscalibrated probability, half of the weights 1 and half
// in (0, 2]. The target is a fit in at most 0.15 s.
import { performance } from 'node:perf_hooks';
import { fitIsotonic, predictIsotonicAll } from '../src/metrics/isotonic.js';
import type { Bench, BenchFigure } from './types.js';
import { createPrng } from '../src/demo/prng.js';

export const bench: Bench = async ({ quick }) => {
  const n = quick ? 100_000 : 1_000_000;
  const prng = createPrng(7);
  const random = () => prng.next();
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = random() ** 1.5;
    y[i] = random() < x[i]! ** 0.7 ? 1 : 0;
    weights[i] = i % 2 === 0 ? 1 : 2 * (1 - random());
  }
  const rounds = quick ? 1 : 5;
  fitIsotonic(x.subarray(0, 1000), y.subarray(0, 1000));
  const unweighted = median(rounds, () => fitIsotonic(x, y));
  const weighted = median(rounds, () => fitIsotonic(x, y, weights));
  const model = fitIsotonic(x, y);
  const predict = median(rounds, () => predictIsotonicAll(model, x));
  const target = quick ? {} : { target: '<= 0.15', ok: unweighted <= 0.15 };
  const figures: BenchFigure[] = [
    { label: `fitIsotonic, ${n} points (median)`, value: unweighted, unit: 's', ...target },
    { label: `fitIsotonic with weights, ${n} points (median)`, value: weighted, unit: 's', ...(quick ? {} : { target: '<= 0.15', ok: weighted <= 0.15 }) },
    { label: `predictIsotonicAll, ${n} values against ${model.x.length} breakpoints (median)`, value: predict, unit: 's' },
  ];
  return { name: 'isotonic', figures, notes: [`median of ${rounds} run(s) each, after a warm-up fit; data from a seeded mulberry32 stream`] };
};

function median(rounds: number, run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    run();
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}
