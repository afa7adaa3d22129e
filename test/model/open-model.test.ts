import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { ChecksumError, InputError } from '../../src/errors.js';
import { openModel, type OpenModelOptions } from '../../src/model/open-model.js';
import { buildContractModel, type ContractModelOptions } from '../evaluate/contract-model.js';
import { rejection } from '../helpers/rejection.js';

const FILE = 'registry/paint/1.0.0/model.onnx';
const taxonomy = { classes: ['red', 'green', 'blue'], regionClasses: ['dot', 'bar'] };
const model = buildContractModel();

function options(bytes: Uint8Array, extra: Partial<OpenModelOptions> = {}): OpenModelOptions {
  return { expectedSha256: sha256Hex(bytes), file: FILE, taxonomy, ...extra };
}

async function contractError(modelOptions: ContractModelOptions, extra: Partial<OpenModelOptions> = {}): Promise<InputError> {
  const bytes = buildContractModel(modelOptions);
  const error = await rejection(openModel(bytes, options(bytes, extra)));
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

/** `count` 16×16 images in 0–1, image n filled with `colours[n]` (RGB 0–1). */
function batchOf(colours: ReadonlyArray<readonly [number, number, number]>): Float32Array {
  const plane = 16 * 16;
  const batch = new Float32Array(colours.length * 3 * plane);
  colours.forEach((colour, n) => colour.forEach((value, c) => batch.fill(value, (n * 3 + c) * plane, (n * 3 + c + 1) * plane)));
  return batch;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('openModel: the checksum comes first', () => {
  it('refuses bytes that are not ONNX with a checksum error, not a parse error, and creates no session', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const garbage = new TextEncoder().encode('not a model at all');
    const error = await rejection(openModel(garbage, { expectedSha256: 'a'.repeat(64), file: FILE }));
    expect(error).toBeInstanceOf(ChecksumError);
    expect((error as ChecksumError).data).toEqual({ file: FILE, expected: 'a'.repeat(64), actual: sha256Hex(garbage) });
    expect(error.message).toBe(`${FILE}: sha256 ${sha256Hex(garbage)} does not match the expected ${'a'.repeat(64)}`);
    expect(create).not.toHaveBeenCalled();
  });

  it('never creates a session for a valid model whose hash is not the expected one', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const error = await rejection(openModel(model, { ...options(model), expectedSha256: sha256Hex('another model') }));
    expect(error).toBeInstanceOf(ChecksumError);
    expect(create).not.toHaveBeenCalled();
  });

  it('with the right hash, the same garbage is refused as not ONNX', async () => {
    const garbage = new TextEncoder().encode('not a model at all');
    const error = await rejection(openModel(garbage, { expectedSha256: sha256Hex(garbage), file: FILE }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data).toMatchObject({ file: FILE, rule: 'onnx-model' });
  });
});

describe('openModel: the taxonomy', () => {
  it('names the missing and the extra classes', async () => {
    const error = await rejection(openModel(model, options(model, { taxonomy: { ...taxonomy, classes: ['red', 'green', 'cyan'] } })));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${FILE}: the model's classes do not match the taxonomy's (missing cyan; not in the taxonomy: blue)`);
    expect((error as InputError).data).toEqual({ file: FILE, rule: 'model-taxonomy', field: 'classes', missing: ['cyan'], extra: ['blue'] });
  });

  it('checks the region classes too, and a missing name alone is enough', async () => {
    const error = await rejection(openModel(model, options(model, { taxonomy: { ...taxonomy, regionClasses: ['dot', 'bar', 'ring'] } })));
    expect((error as InputError).data).toEqual({ file: FILE, rule: 'model-taxonomy', field: 'region_classes', missing: ['ring'], extra: [] });
  });

  it('accepts the same names in another order: scores come out in the taxonomy order, boxes by name', async () => {
    const permuted = await openModel(model, options(model, { taxonomy: { classes: ['blue', 'red', 'green'], regionClasses: ['bar', 'dot'] } }));
    try {
      expect(permuted.classes).toEqual(['blue', 'red', 'green']);
      const [prediction] = await permuted.run(batchOf([[0.9, 0.1, 0.2]]));
      const [blue, red, green] = Array.from(prediction!.classScores);
      expect(red).toBeGreaterThan(0.9);
      expect(blue).toBeGreaterThan(green!);
      expect(prediction!.boxes.map((box) => box.label)).toEqual(['bar', 'dot']);
    } finally {
      await permuted.close();
    }
  });
});

describe('openModel: the graph contract', () => {
  it('refuses a graph without box_labels, naming the output', async () => {
    const error = await contractError({ omit: 'box_labels' });
    expect(error.data).toMatchObject({ file: FILE, rule: 'model-contract', name: 'box_labels' });
    expect(error.message).toBe(`${FILE}: box_labels must be a graph output, the graph has outputs class_scores, boxes, box_scores`);
  });

  it('refuses a graph without class_scores', async () => {
    expect((await contractError({ omit: 'class_scores' })).data).toMatchObject({ name: 'class_scores' });
  });

  it('refuses an input size the metadata does not declare', async () => {
    const error = await contractError({ metadata: { inputWidth: 32 } });
    expect(error.data).toMatchObject({ name: 'image', expected: 'float32 [?, 3, 16, 32]', actual: 'float32 [N, 3, 16, 16]' });
  });

  it('refuses a class count the metadata does not declare', async () => {
    const error = await contractError({ metadata: { classes: ['red', 'green'] } }, { taxonomy: { ...taxonomy, classes: ['red', 'green'] } });
    expect(error.data).toMatchObject({ name: 'class_scores', expected: 'float32 [?, 2]', actual: 'float32 [N, 3]' });
  });

  it('refuses box rows that disagree with cairn.max_boxes', async () => {
    expect((await contractError({ metadata: { maxBoxes: 10 } })).data).toMatchObject({ name: 'boxes', expected: 'float32 [?, 10, 4]' });
  });

  it('does not ask for box outputs from a model without region classes', async () => {
    const bytes = buildContractModel({ omit: 'boxes', metadata: { regionClasses: [] } });
    // A classification-only model is accepted under a taxonomy that has region classes too.
    const opened = await openModel(bytes, options(bytes, { taxonomy }));
    try {
      const [prediction] = await opened.run(batchOf([[0, 0, 1]]));
      expect(prediction!.boxes).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

describe('openModel: running', () => {
  it('returns one prediction per image: softmax scores, and the non-padding boxes in 0–1 as (x, y, width, height)', async () => {
    const opened = await openModel(model, options(model));
    try {
      expect(opened.inputSpec).toEqual({ width: 16, height: 16, mean: [0, 0, 0], std: [1, 1, 1] });
      expect(opened.imageLength).toBe(3 * 16 * 16);
      const predictions = await opened.run(batchOf([[1, 0, 0], [0, 0.5, 0], [0.2, 0.2, 0.2]]));
      expect(predictions).toHaveLength(3);
      const softmax = (logits: number[]) => logits.map((l) => Math.exp(l) / logits.reduce((s, m) => s + Math.exp(m), 0));
      const expected = [softmax([8, 0, 0]), softmax([0, 4, 0]), softmax([1.6, 1.6, 1.6])];
      predictions.forEach((prediction, n) => {
        prediction.classScores.forEach((score, k) => expect(score).toBeCloseTo(expected[n]![k]!, 6));
        expect(prediction.boxes).toEqual([
          { label: 'bar', score: Math.fround(0.9), x: 0.25, y: 0.5, width: 0.5, height: 0.25 },
          { label: 'dot', score: Math.fround(0.4), x: 0, y: 0, width: 0.125, height: 1 },
        ]);
      });
    } finally {
      await opened.close();
    }
  });

  it('refuses a batch that is not a whole number of images', async () => {
    const opened = await openModel(model, options(model));
    try {
      const error = await rejection(opened.run(new Float32Array(opened.imageLength + 1)));
      expect((error as InputError).data).toMatchObject({ file: FILE, rule: 'model-batch' });
    } finally {
      await opened.close();
    }
  });

  it('refuses a box label outside the region classes when it meets one', async () => {
    const bytes = buildContractModel({ boxes: [{ label: 5, score: 0.5, x: 0, y: 0, width: 1, height: 1 }] });
    const opened = await openModel(bytes, options(bytes));
    try {
      const error = await rejection(opened.run(batchOf([[1, 1, 1]])));
      expect(error.message).toBe(`${FILE}: box_labels holds 5, but the model has 2 region classes`);
    } finally {
      await opened.close();
    }
  });

  it('opens without a taxonomy, in the model’s own order', async () => {
    const opened = await openModel(model, { expectedSha256: sha256Hex(model), file: FILE });
    expect(opened.classes).toEqual(['red', 'green', 'blue']);
    expect(opened.regionClasses).toEqual(['dot', 'bar']);
    await opened.close();
  });
});
