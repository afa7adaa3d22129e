import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError, UnknownVersionError } from '../../src/errors.js';
import { buildExtractorGraph, buildModelGraph } from '../../src/model/onnx-graph.js';
import { onnx } from '../../src/model/onnx-proto.js';
import { parseModelMetadata, readModelMetadata } from '../../src/model/read-model-metadata.js';
import { buildRandomSpec } from './model-fixtures.js';

const model = buildModelGraph(buildRandomSpec());

/** The model with one metadata value replaced (or removed, for `undefined`). */
function withMetadata(key: string, value: string | undefined): Uint8Array {
  const proto = onnx.ModelProto.decode(model);
  proto.metadataProps = proto.metadataProps.filter((entry) => entry.key !== key);
  if (value !== undefined) proto.metadataProps.push(onnx.StringStringEntryProto.create({ key, value }));
  return onnx.ModelProto.encode(proto).finish();
}

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseModelMetadata', () => {
  it('reads back what buildModelGraph wrote', () => {
    expect(parseModelMetadata(model)).toEqual({
      formatVersion: 1,
      inputWidth: 64,
      inputHeight: 64,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      classes: ['cat', 'dog', 'bird'],
      regionClasses: ['eye', 'ear', 'tail'],
      grid: 8,
      maxBoxes: 20,
      extractor: { kind: 'random-conv-v3', seed: 7 },
    });
  });

  it('writes the metadata as strings under the cairn keys, lists as JSON', () => {
    const props = onnx.ModelProto.decode(model).metadataProps.map(({ key, value }) => `${key}=${value}`);
    expect(props).toEqual([
      'cairn.format_version=1',
      'cairn.input_width=64',
      'cairn.input_height=64',
      'cairn.mean=[0.485,0.456,0.406]',
      'cairn.std=[0.229,0.224,0.225]',
      'cairn.classes=["cat","dog","bird"]',
      'cairn.region_classes=["eye","ear","tail"]',
      'cairn.grid=8',
      'cairn.max_boxes=20',
      'cairn.extractor={"kind":"random-conv-v3","seed":7}',
    ]);
  });

  it('refuses bytes that are not an ONNX model', () => {
    for (const bytes of [new TextEncoder().encode('{"not": "onnx"}'), new Uint8Array(0), Uint8Array.of(0xff, 0xff, 0xff)]) {
      const error = errorOf(() => parseModelMetadata(bytes, 'upload.bin'));
      expect(error.message).toMatch(/^upload\.bin is not an ONNX model/);
      expect(error.data).toMatchObject({ file: 'upload.bin', rule: 'onnx-model' });
    }
  });

  it('refuses an ONNX model without cairn metadata', () => {
    const error = errorOf(() => parseModelMetadata(buildExtractorGraph({ seed: 7, inputSize: 64 }, { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }), 'x.onnx'));
    expect(error.message).toBe('x.onnx has no cairn metadata (cairn.format_version is missing)');
    expect(error.data).toMatchObject({ rule: 'cairn-metadata', key: 'cairn.format_version' });
  });

  it('refuses a format version it does not know', () => {
    expect(() => parseModelMetadata(withMetadata('cairn.format_version', '2'))).toThrow(UnknownVersionError);
  });

  it.each([
    ['cairn.classes', undefined, /cairn\.classes is missing/],
    ['cairn.classes', '["cat","cat"]', /cairn\.classes must be a JSON array of distinct non-empty strings/],
    ['cairn.classes', 'cat,dog', /cairn\.classes must be a JSON array/],
    ['cairn.region_classes', '[""]', /cairn\.region_classes must be a JSON array of distinct non-empty strings/],
    ['cairn.std', '[0.2,0,0.2]', /cairn\.std must be a JSON array of 3 finite positive numbers/],
    ['cairn.mean', '[0.5,0.5]', /cairn\.mean must be a JSON array of 3 finite numbers/],
    ['cairn.input_width', '64.5', /cairn\.input_width must be a positive integer, got "64\.5"/],
    ['cairn.grid', '0', /cairn\.grid must be a positive integer/],
    ['cairn.extractor', '[1]', /cairn\.extractor must be a JSON object/],
  ])('refuses %s = %s, naming the key', (key, value, message) => {
    const error = errorOf(() => parseModelMetadata(withMetadata(key, value)));
    expect(error.message).toMatch(message);
    expect(error.data).toMatchObject({ rule: 'cairn-metadata', key });
  });

  it('accepts a model without the optional keys', () => {
    const metadata = parseModelMetadata(withMetadata('cairn.extractor', undefined));
    expect(metadata).not.toHaveProperty('extractor');
    expect(metadata.maxBoxes).toBe(20);
  });
});

describe('readModelMetadata', () => {
  it('reads a model file, and says when there is none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-model-'));
    try {
      await writeFile(join(dir, 'model.onnx'), model);
      expect((await readModelMetadata(join(dir, 'model.onnx'))).classes).toEqual(['cat', 'dog', 'bird']);
      await expect(readModelMetadata(join(dir, 'missing.onnx'))).rejects.toThrow(NotFoundError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
