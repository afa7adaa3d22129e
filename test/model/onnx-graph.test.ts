import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { buildExtractorWeights } from '../../src/model/feature-extractor.js';
import { buildModelGraph } from '../../src/model/onnx-graph.js';
import { onnx } from '../../src/model/onnx-proto.js';
import { computeReferenceFeatures } from '../../src/model/reference-features.js';
import { computeReferenceForward } from '../../src/model/reference-forward.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { buildRandomSpec, maxDifference, randomImages, runModel } from './model-fixtures.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('buildModelGraph', () => {
  it('writes an opset 17, IR 8 model with the image input and the four outputs', () => {
    const model = onnx.ModelProto.decode(buildModelGraph(buildRandomSpec()));
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map(({ domain, version }) => [domain, Number(version)])).toEqual([['', 17]]);
    expect(model.graph!.input!.map((input) => input.name)).toEqual(['image']);
    expect(model.graph!.output!.map((output) => output.name)).toEqual(['class_scores', 'boxes', 'box_scores', 'box_labels']);
  });

  it('gives the same outputs in onnxruntime as the TypeScript reference, for one image and a batch', async () => {
    const spec = buildRandomSpec();
    const session = await ort.InferenceSession.create(buildModelGraph(spec));
    try {
      for (const [seed, count] of [[1, 1], [2, 1], [3, 3]] as const) {
        const images = randomImages(seed, count);
        const actual = await runModel(session, images, count);
        const expected = computeReferenceForward(spec, images, count);
        expect(maxDifference(actual.classScores, expected.classScores)).toBeLessThan(1e-4);
        expect(maxDifference(actual.boxScores, expected.boxScores)).toBeLessThan(1e-4);
        expect(maxDifference(actual.boxes, expected.boxes)).toBeLessThan(1e-4);
        expect(Array.from(actual.boxLabels)).toEqual(Array.from(expected.boxLabels));
        // The comparison only means something if NMS kept some boxes and padded some rows.
        expect(expected.boxLabels.some((label) => label >= 0)).toBe(true);
        expect(expected.boxLabels.some((label) => label === -1)).toBe(true);
      }
    } finally {
      await session.release();
    }
  });

  it('serialises the same spec to the same bytes, and a different seed or head to different bytes', () => {
    const first = buildModelGraph(buildRandomSpec());
    expect(sha256(buildModelGraph(buildRandomSpec()))).toBe(sha256(first));
    expect(sha256(buildModelGraph(buildRandomSpec({ extractorSeed: 8 })))).not.toBe(sha256(first));
    expect(sha256(buildModelGraph(buildRandomSpec({ headSeed: 12 })))).not.toBe(sha256(first));
  });

  it('keeps its bytes across releases and platforms (a changed hash means a changed model format)', () => {
    expect(sha256(buildModelGraph(buildRandomSpec()))).toBe('dfaae0cc1c11ce386287e6bcbf2d65b88f736c6b44875a2e31c082cbbf8259cf');
  });

  it('refuses a spec whose head does not fit the extractor, naming the field', () => {
    const spec = buildRandomSpec();
    const bad: ModelSpec = { ...spec, classHead: { ...spec.classHead!, weight: spec.classHead!.weight.subarray(1) } };
    expect(() => buildModelGraph(bad)).toThrow(InputError);
    expect(() => buildModelGraph(bad)).toThrow(/classHead\.weight has 8447 values, expected 2816×3/);
    expect(() => buildModelGraph(buildRandomSpec({ postprocess: { maxBoxes: 65 } }))).toThrow(/maxBoxes must be an integer in \[1, 64\]/);
  });
});

describe('non-maximum suppression in the full model', () => {
  // A saturated red bar over cells (3, 3) and (4, 3) of the 8×8 grid on a blank image: both towers see it.
  const images = new Float32Array(3 * 64 * 64);
  for (let y = 24; y < 32; y++) for (let x = 26; x < 38; x++) images[y * 64 + x] = 2;
  const left = 3 * 8 + 3;
  const right = left + 1;

  /**
   * Objectness rises with a cell's total activation (the centre of the head's 3×3 window); the threshold
   * falls between the 2nd and 3rd cell.
   */
  function twoCellSpec(iouThreshold: number): ModelSpec {
    const base = buildRandomSpec();
    const weights = buildExtractorWeights(base.extractor);
    const { cellFeatures } = computeReferenceFeatures(weights, base, images, 1);
    const D = weights.cellFeatureSize;
    const sums = Array.from({ length: 64 }, (_, cell) => cellFeatures.subarray(cell * D, cell * D + D).reduce((a, b) => a + b, 0));
    const ranked = sums.map((sum, cell) => ({ sum, cell })).sort((a, b) => b.sum - a.sum);
    expect(ranked.slice(0, 2).map(({ cell }) => cell).sort()).toEqual([left, right]);
    const scale = 20 / (ranked[1]!.sum - ranked[2]!.sum);
    const channels = 1 + 1 + 4; // one region class: the score is the objectness itself
    const weight = new Float32Array(9 * D * channels);
    const centre = 4 * D;
    for (let i = 0; i < D; i++) weight[(centre + i) * channels] = scale;
    const bias = new Float32Array(channels); // centre of the cell, half the image wide and high
    bias[0] = -scale * (ranked[1]!.sum + ranked[2]!.sum) / 2;
    return { ...base, regionClasses: ['bar'], gridHead: { weight, bias }, postprocess: { iouThreshold, scoreThreshold: 0.5, maxBoxes: 8 } };
  }

  async function run(spec: ModelSpec) {
    const session = await ort.InferenceSession.create(buildModelGraph(spec));
    try {
      return await runModel(session, images, 1);
    } finally {
      await session.release();
    }
  }

  it('keeps both overlapping boxes when no IoU is too high, and only the better one at 0.5', async () => {
    const withoutSuppression = await run(twoCellSpec(1));
    expect(Array.from(withoutSuppression.boxLabels)).toEqual([0, 0, -1, -1, -1, -1, -1, -1]);
    // The two boxes are 0.5 × 0.5 and one cell (0.125) apart: IoU 0.6.
    const [a, b] = [withoutSuppression.boxes.subarray(0, 4), withoutSuppression.boxes.subarray(4, 8)];
    expect(Math.abs(a[0]! - b[0]!)).toBeCloseTo(0.125, 6);
    expect(Array.from(a.subarray(2))).toEqual([0.5, 0.5]);

    const suppressed = await run(twoCellSpec(0.5));
    expect(Array.from(suppressed.boxLabels)).toEqual([0, -1, -1, -1, -1, -1, -1, -1]);
    expect(suppressed.boxScores[0]).toBe(withoutSuppression.boxScores[0]);
    expect(Array.from(suppressed.boxes.subarray(0, 4))).toEqual(Array.from(a));
    expect(Array.from(suppressed.boxes.subarray(4))).toEqual(new Array(28).fill(0));
  });
});
