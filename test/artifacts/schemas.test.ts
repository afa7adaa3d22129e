import { readFile, readdir } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildArtifact, decodeArtifact } from '../../src/artifacts/codec.js';
import { formatJsonFile } from '../../src/artifacts/canonical-json.js';
import { schemaTag } from '../../src/artifacts/kinds.js';
import { classifyPath } from '../../src/artifacts/layout.js';
import { buildPublishedSchemas } from '../../src/artifacts/published-schemas.js';
import { ChecksumError, SchemaError, UnknownVersionError } from '../../src/errors.js';
import { rolloutFile, taxonomyFile } from '../helpers/builders.js';

const root = new URL('../../', import.meta.url);

describe('published JSON Schemas', () => {
  it('are current: schemas/ holds exactly what `npm run schemas` writes', async () => {
    const expected = buildPublishedSchemas();
    const present = (await readdir(new URL('schemas/', root))).sort();
    expect(present).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) expect(await readFile(new URL(`schemas/${name}`, root), 'utf8')).toBe(content);
  });

  it('validate cairn-written artifacts in a plain ajv, with no cairn code', async () => {
    const ajv = new Ajv({ strict: false });
    ((addFormatsModule as unknown as { default: (a: Ajv) => void }).default ?? addFormatsModule)(ajv);
    const schema = JSON.parse(await readFile(new URL('schemas/rollout-state.v2.schema.json', root), 'utf8'));
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(rolloutFile('shapes', {}).content as string))).toBe(true);
    expect(validate({ schema: 'RolloutState/v2' })).toBe(false);
  });
});

describe('artifact codec', () => {
  it('round-trips a sealed artifact and refuses one whose bytes no longer match the checksum', () => {
    const file = taxonomyFile();
    expect(decodeArtifact('Taxonomy', file.content as string, file.path).taxonomy_version).toBe('taxonomy_v1');
    const tampered = (file.content as string).replace('"circle"', '"disc"');
    expect(() => decodeArtifact('Taxonomy', tampered, file.path)).toThrow(ChecksumError);
  });

  it('refuses an unknown format version with a message that says to upgrade', () => {
    expect(() => decodeArtifact('Taxonomy', '{"schema":"Taxonomy/v2"}', 'x.json')).toThrow(UnknownVersionError);
    expect(() => decodeArtifact('Taxonomy', '{"schema":"Taxonomy/v2"}', 'x.json')).toThrow(/knows v1.*upgrade cairn/);
  });

  it('refuses an artifact of another kind at a path', () => {
    const error = (() => {
      try {
        decodeArtifact('Taxonomy', rolloutFile('m', {}).content as string, 'datasets/taxonomies/x.json');
      } catch (e) {
        return e as SchemaError;
      }
    })();
    expect(error).toBeInstanceOf(SchemaError);
    expect(error?.errors).toEqual([{ path: '/schema', message: 'must name kind Taxonomy, found "RolloutState/v2"' }]);
  });

  it('names every schema fault with its JSON path', () => {
    const body = { taxonomy_version: 'bad name!', classes: [], region_classes: [{ name: 'x', colour: 'red' }] };
    try {
      buildArtifact('Taxonomy', body as never);
      expect.unreachable();
    } catch (error) {
      const paths = (error as SchemaError).errors.map((e) => e.path).sort();
      expect(paths).toEqual(['/classes', '/region_classes/0', '/taxonomy_version']);
    }
  });

  it('reads the shipped thresholds files', async () => {
    for (const name of ['validation', 'gating', 'rollout', 'serving', 'feedback', 'observability']) {
      const path = `thresholds/${name}.yaml`;
      const kind = classifyPath(path)!.kind!;
      const value = decodeArtifact(kind, await readFile(new URL(path, root), 'utf8'), path);
      expect((value as { schema: string }).schema).toBe(schemaTag(kind));
    }
  });

  it('writes JSON artifacts in canonical form', () => {
    const file = taxonomyFile();
    expect(formatJsonFile(JSON.parse(file.content as string))).toBe(file.content);
  });
});

describe('repository layout', () => {
  it.each([
    ['datasets/taxonomies/taxonomy_v1.json', 'Taxonomy', false],
    ['datasets/demo/2026-11-01.1/manifest.json', 'DatasetArtifact', false],
    ['datasets/demo/2026-11-01.1/items.jsonl', 'DatasetItem', false],
    ['registry/shapes/1.2.3/manifest.json', 'ModelArtifact', false],
    ['registry/shapes/1.2.3/model.onnx', null, false],
    ['registry/shapes/rollout.json', 'RolloutState', true],
    ['registry/shapes/model.yaml', 'ModelConfig', true],
    ['thresholds/gating.yaml', 'GatingThresholds', true],
  ])('%s is a %s (mutable: %s)', (path, kind, mutable) => {
    expect(classifyPath(path)).toMatchObject({ kind, mutable });
  });

  it('has no place for stray files in the data tree, and ignores the rest of the repository', () => {
    expect(classifyPath('registry/shapes/1.2.3/notes.txt')).toEqual({ kind: null, mutable: false, coveredBy: null });
    expect(classifyPath('registry/shapes/latest/manifest.json')).toEqual({ kind: null, mutable: false, coveredBy: null });
    expect(classifyPath('src/index.ts')).toBeNull();
  });
});
