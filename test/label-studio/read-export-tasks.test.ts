import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../../src/errors.js';
import { readExportTasks } from '../../src/label-studio/read-export-tasks.js';
import { FIXTURES } from './fixtures.js';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-ls-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<unknown[]> {
  const tasks: unknown[] = [];
  for await (const task of readExportTasks(path)) tasks.push(task);
  return tasks;
}

async function exportFile(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function failure(path: string): Promise<InputError> {
  const error = await readAll(path).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('readExportTasks', () => {
  it('yields each task of a list export, in order, equal to JSON.parse of the whole file', async () => {
    for (const name of ['sdk-yolo-export-rectanglelabels.json', 'sdk-yolo-obb-export-rotated.json', 'sdk-coco-export-newer-fields.json']) {
      const whole = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown[];
      expect(await readAll(join(FIXTURES, name))).toEqual(whole);
    }
  });

  it('yields the one task of an export that is a single task object', async () => {
    const tasks = await readAll(join(FIXTURES, 'ls-previous-export-choices.json'));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ id: 1234, project: 49 });
  });

  it('cuts tasks correctly across 1 MiB chunk boundaries, through strings, escapes and multi-byte characters', async () => {
    const tricky = 'quote \\" brace } bracket ] comma , backslash \\\\ snow ☃ emoji 🦋';
    const tasks = Array.from({ length: 3000 }, (_, id) => ({ id, data: { image: `/data/upload/1/${id}.png`, note: `${tricky} ${'x'.repeat(id % 1409)}` } }));
    const path = await exportFile('big.json', `[\n${tasks.map((task) => JSON.stringify(task, null, 2)).join(',\n')}\n]\n`);
    expect((await stat(path)).size).toBeGreaterThan(2 * 1024 * 1024);
    const read = await readAll(path);
    expect(read).toHaveLength(3000);
    expect(read).toEqual(tasks);
  });

  it('accepts primitives and nested lists as elements and leaves judging them to normalisation', async () => {
    expect(await readAll(await exportFile('mixed.json', '[1, "two", [3, [4]], {"a": [5]}, null]'))).toEqual([1, 'two', [3, [4]], { a: [5] }, null]);
  });

  it('skips a UTF-8 byte order mark', async () => {
    const path = await exportFile('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"id": 1}]')]));
    expect(await readAll(path)).toEqual([{ id: 1 }]);
  });

  it.each([
    ['empty.json', '', 'empty-file', 0],
    ['blank.json', ' \n\t ', 'empty-file', 4],
    ['empty-list.json', ' [ \n ] ', 'empty-export', 7],
  ])('refuses %s with rule %s', async (name, content, rule, offset) => {
    const error = await failure(await exportFile(name, content));
    expect(error.data).toMatchObject({ file: join(dir, name), rule, offset, index: 0 });
    expect(error.message).toContain(join(dir, name));
    expect(error.message).toContain(`rule ${rule}`);
  });

  it.each([
    ['cut inside a string', '[{"id": 1}, {"id": 2, "data": {"image": "/data/up'],
    ['cut between tasks', '[{"id": 1},'],
    ['cut inside an object', '[{"id": 1}, {"id": 2, "data": {}'],
    ['a single object cut short', '{"id": 1, "annotations": ['],
    ['an escape at the very end', '[{"id": "\\'],
  ])('refuses an export %s as truncated, naming the byte offset and task index', async (_case, content) => {
    const path = await exportFile('cut.json', content);
    const error = await failure(path);
    expect(error.data).toMatchObject({ file: path, rule: 'truncated', offset: Buffer.byteLength(content) });
    expect(error.message).toMatch(/cut off \(rule truncated\)$/);
  });

  it('names the first bad task of a malformed export by index and byte offset', async () => {
    const path = await exportFile('bad.json', '[{"id": 1}, {"id": 2,}, {"id": 3}]');
    const error = await failure(path);
    expect(error.data).toMatchObject({ file: path, item: '#1', rule: 'json-syntax', offset: 12, index: 1 });
    expect(error.message).toContain('task #1 (byte 12) is not valid JSON');
  });

  it.each([
    ['a trailing comma', '[{"id": 1},]'],
    ['a leading comma', '[,{"id": 1}]'],
    ['a missing comma', '[{"id": 1} {"id": 2}]'],
    ['a list closed by a brace', '[{"id": 1}}'],
    ['data after the list', '[{"id": 1}] {"id": 2}'],
    ['data after a single task', '{"id": 1} x'],
    ['a stray closing bracket', '[{"id": 1}]]'],
  ])('refuses %s as json-syntax', async (_case, content) => {
    expect((await failure(await exportFile('syntax.json', content))).data.rule).toBe('json-syntax');
  });

  it.each(['42', '"tasks"', 'null', 'true', '<xml/>'])('refuses a top level that is neither list nor object: %s', async (content) => {
    const error = await failure(await exportFile('top.json', content));
    expect(error.data).toMatchObject({ rule: 'top-level', offset: 0 });
  });

  it('reports a missing export file as not found', async () => {
    await expect(readAll(join(dir, 'missing.json'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a directory as unreadable', async () => {
    await expect(readAll(dir)).rejects.toMatchObject({ data: { rule: 'unreadable', file: dir } });
  });

  it('stops reading when the consumer stops, leaving nothing open', async () => {
    const path = await exportFile('three.json', '[{"id": 1}, {"id": 2}, {"id": 3}]');
    const seen: unknown[] = [];
    for await (const task of readExportTasks(path)) {
      seen.push(task);
      break;
    }
    expect(seen).toEqual([{ id: 1 }]);
  });
});
