import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, inverseFrequencyWeights, smoothL1, softmaxCrossEntropy, type RowLoss } from '../../src/train/losses.js';

/** Central differences of `loss` at `logits`, to check the analytic gradient against. */
function numericGradient(loss: RowLoss, logits: Float64Array): Float64Array {
  const scratch = new Float64Array(logits.length);
  return logits.map((_, j) => {
    const h = 1e-6;
    const plus = Float64Array.from(logits);
    const minus = Float64Array.from(logits);
    plus[j]! += h;
    minus[j]! -= h;
    return (loss(0, plus, scratch) - loss(0, minus, scratch)) / (2 * h);
  });
}

const logitArrays = (length: number) => fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: length, maxLength: length }).map((values) => Float64Array.from(values));

function expectGradientMatches(loss: RowLoss, logits: Float64Array): void {
  const gradient = new Float64Array(logits.length);
  loss(0, logits, gradient);
  const numeric = numericGradient(loss, logits);
  gradient.forEach((g, j) => expect(g).toBeCloseTo(numeric[j]!, 4));
}

describe('row losses', () => {
  it('softmax cross-entropy: weight × −log p(target), with its exact gradient', () => {
    const loss = softmaxCrossEntropy(Int32Array.of(2), Float64Array.of(0.5));
    const gradient = new Float64Array(3);
    const value = loss(0, Float64Array.of(0, 0, 0), gradient);
    expect(value).toBeCloseTo(0.5 * Math.log(3), 14);
    expect(Array.from(gradient)).toEqual([0.5 / 3, 0.5 / 3, 0.5 * (1 / 3 - 1)]);
    fc.assert(fc.property(logitArrays(4), fc.integer({ min: 0, max: 3 }), (logits, target) => {
      expectGradientMatches(softmaxCrossEntropy(Int32Array.of(target), Float64Array.of(1.7)), logits);
    }));
  });

  it('binary cross-entropy stays finite for extreme logits and has the gradient weight × (σ − y)', () => {
    const loss = binaryCrossEntropy(Uint8Array.of(1), Float64Array.of(2));
    const gradient = new Float64Array(1);
    expect(loss(0, Float64Array.of(-800), gradient)).toBeCloseTo(1600, 10);
    expect(gradient[0]).toBe(-2);
    expect(loss(0, Float64Array.of(800), gradient)).toBe(0);
    fc.assert(fc.property(logitArrays(1), fc.integer({ min: 0, max: 1 }), (logits, y) => {
      expectGradientMatches(binaryCrossEntropy(Uint8Array.of(y), Float64Array.of(3)), logits);
    }));
  });

  it('smooth-L1 is quadratic within 1 of the target and linear beyond', () => {
    const loss = smoothL1(Float64Array.of(0, 0, 1, 1));
    const gradient = new Float64Array(4);
    expect(loss(0, Float64Array.of(0.5, -3, 1, 1), gradient)).toBeCloseTo(0.125 + 2.5, 14);
    expect(Array.from(gradient)).toEqual([0.5, -1, 0, 0]);
    fc.assert(fc.property(logitArrays(4), (logits) => {
      // Away from the kinks at |d| = 1, where the gradient is defined but central differences are not.
      if (logits.some((z, j) => Math.abs(Math.abs(z - (j < 2 ? 0 : 1)) - 1) < 1e-3)) return;
      expectGradientMatches(smoothL1(Float64Array.of(0, 0, 1, 1)), logits);
    }));
  });
});

describe('inverseFrequencyWeights', () => {
  it('gives every present class the same share of the total weight, and absent classes 0', () => {
    const targets = Int32Array.of(0, 0, 0, 1, 3, 3);
    const sampleWeights = Float64Array.of(1, 1, 1, 0.5, 1, 1);
    const weights = inverseFrequencyWeights(targets, sampleWeights, 4);
    // Total 5.5 over 3 present classes of weighted sizes 3, 0.5 and 2.
    expect(Array.from(weights)).toEqual([5.5 / 9, 5.5 / 1.5, 0, 5.5 / 6]);
    const shares = [0, 1, 3].map((c) => targets.reduce((sum, t, p) => sum + (t === c ? sampleWeights[p]! * weights[c]! : 0), 0));
    shares.forEach((share) => expect(share).toBeCloseTo(5.5 / 3, 12));
  });
});
