import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CairnError } from '../../src/errors.js';
import { normalizeTask } from '../../src/label-studio/normalize-task.js';
import { readExportTasks } from '../../src/label-studio/read-export-tasks.js';
import { FIXTURES } from './fixtures.js';
import { annotation, box, choices, task } from './task-builders.js';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-ls-prop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Outcome = { tasks: number } | { error: CairnError };

/** Reads and normalises a file as ingestion does; any error that is not a CairnError escapes. */
async function ingest(bytes: Uint8Array | string): Promise<Outcome> {
  const file = join(dir, `export-${counter++}.json`);
  await writeFile(file, bytes);
  try {
    let index = 0;
    for await (const raw of readExportTasks(file)) normalizeTask(raw, { file, index: index++ });
    return { tasks: index };
  } catch (error) {
    if (error instanceof CairnError) return { error };
    throw error;
  } finally {
    await rm(file, { force: true });
  }
}

const VALID = readFileSync(join(FIXTURES, 'sdk-yolo-obb-export-rotated.json'));
const options = { numRuns: 150 };
const FIELDS = ['id', 'annotations', 'result', 'data', 'meta', 'updated_at', 'x', 'width', 'rotation', 'original_width', 'rectanglelabels'];
FIELDS.push('choices', 'completed_by', 'was_cancelled', 'ground_truth', 'type', 'value', 'image', 'taxonomy_version', 'image_rotation');

describe('reading and normalising an export ends in tasks or a typed CairnError', () => {
  it('for any JSON value', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => void (await ingest(JSON.stringify(value)))), options);
  });

  it('for any bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => void (await ingest(bytes))), options);
  });

  it('for any truncation of a valid export, which is always refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: VALID.length - 2 }), async (cut) => {
        const outcome = await ingest(VALID.subarray(0, cut));
        expect('error' in outcome).toBe(true);
      }),
      options,
    );
  });

  it('for a valid export with one byte changed', async () => {
    const mutation = fc.record({ at: fc.integer({ min: 0, max: VALID.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ at, byte }) => {
        const bytes = Buffer.from(VALID);
        bytes[at] = byte;
        await ingest(bytes);
      }),
      options,
    );
  });

  it('for tasks of the real shape with any value in any field', () => {
    const anything = fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true });
    const shaped = fc.record({
      where: fc.constantFrom('task', 'data', 'annotation', 'box', 'value', 'choices'),
      key: fc.constantFrom(...FIELDS),
      value: anything,
    });
    fc.assert(
      fc.property(shaped, ({ where, key, value }) => {
        const boxValue = where === 'value' ? { [key]: value } : {};
        const result = [choices('circle'), box(boxValue, where === 'box' ? { [key]: value } : {})];
        if (where === 'choices') result.push({ type: 'choices', value: { [key]: value } });
        const data = { image: 'a.png', ...(where === 'data' ? { [key]: value } : {}) };
        const raw = task({ data, ...(where === 'task' ? { [key]: value } : {}), annotations: [annotation({ result, ...(where === 'annotation' ? { [key]: value } : {}) })] });
        try {
          normalizeTask(raw, { file: 'export.json', index: 0 });
        } catch (error) {
          if (!(error instanceof CairnError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('yields exactly the elements of any JSON list, however it is laid out', async () => {
    const list = fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(list, fc.constantFrom(undefined, 2, '\t'), async (values, indent) => {
        const file = join(dir, `list-${counter++}.json`);
        await writeFile(file, JSON.stringify(values, null, indent));
        const read: unknown[] = [];
        for await (const value of readExportTasks(file)) read.push(value);
        expect(read).toEqual(JSON.parse(JSON.stringify(values)));
      }),
      options,
    );
  });
});
