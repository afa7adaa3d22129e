import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/model/prng.js';
import { matrixRows } from '../../src/train/feature-rows.js';
import type { DenseProblem } from '../../src/train/fit-dense.js';
import { softmaxCrossEntropy } from '../../src/train/losses.js';
import { cellColumnMask, imageColumnMask, maskColumns, selectTowers } from '../../src/train/select-towers.js';

const CONFIG = { epochs: 20, batchSize: 32, learningRate: 0.01, l2: 1e-3 };
const TOWERS = [
  { name: 'a', imageFeatures: 4, cellChannels: 2 },
  { name: 'b', imageFeatures: 40, cellChannels: 3 },
];

/** 600 rows of two classes; tower a's 4 columns carry `signalA` of the class, tower b's 40 columns `signalB`. */
function problemOf(signalA: number, signalB: number): { problem: DenseProblem; weights: Float64Array } {
  const prng = createPrng(5);
  const rows = 600;
  const width = 44;
  const values = new Float32Array(rows * width);
  const targets = Int32Array.from({ length: rows }, (_, n) => n % 2);
  for (let n = 0; n < rows; n++) {
    const sign = targets[n] === 1 ? 1 : -1;
    for (let i = 0; i < width; i++) values[n * width + i] = prng.nextNormal() + sign * (i < 4 ? signalA : signalB);
  }
  const weights = new Float64Array(rows).fill(1);
  const problem = { features: matrixRows(values, width), outputs: 2, rows: Int32Array.from(targets.keys()), loss: softmaxCrossEntropy(targets, weights), normaliser: rows };
  return { problem, weights };
}

describe('selectTowers', () => {
  it('keeps only the informative tower when the other is noise the head would overfit', () => {
    const { problem, weights } = problemOf(1, 0);
    expect(selectTowers(problem, weights, TOWERS, CONFIG, 1)).toEqual([true, false]);
  });

  it('keeps both towers when each adds to the other', () => {
    const { problem, weights } = problemOf(0.3, 0.15);
    expect(selectTowers(problem, weights, TOWERS, CONFIG, 1)).toEqual([true, true]);
  });

  it('keeps everything when there is nothing to choose between', () => {
    const { problem, weights } = problemOf(1, 0);
    expect(selectTowers(problem, weights, TOWERS.slice(0, 1), CONFIG, 1)).toEqual([true]);
  });
});

describe('column masks', () => {
  it('lays out image columns tower by tower and grid head columns by window position, then channel', () => {
    expect(Array.from(imageColumnMask(TOWERS, [false, true]))).toEqual([0, 0, 0, 0, ...new Array(40).fill(1)]);
    const cells = cellColumnMask(TOWERS, [true, false]);
    expect(cells).toHaveLength(9 * 5);
    expect(Array.from(cells.subarray(0, 10))).toEqual([1, 1, 0, 0, 0, 1, 1, 0, 0, 0]);
  });

  it('reads masked columns as zero', () => {
    const rows = maskColumns(matrixRows(Float32Array.of(1, 2, 3), 3), Uint8Array.of(1, 0, 1));
    const into = new Float64Array(3);
    rows.read(0, into);
    expect(Array.from(into)).toEqual([1, 0, 3]);
  });
});

describe('selectTowers on a constant tower', () => {
  it('never keeps a tower alone whose features do not vary, even when the other overfits', () => {
    const { problem, weights } = problemOf(0, 0.02);
    // Tower a is made constant: a head on it alone would predict the prior.
    const flat = { ...problem, features: maskColumns(problem.features, Uint8Array.from({ length: 44 }, (_, i) => (i < 4 ? 0 : 1))) };
    expect(selectTowers(flat, weights, TOWERS, CONFIG, 1)).not.toEqual([true, false]);
  });
});
