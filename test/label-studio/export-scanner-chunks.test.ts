import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExportScanner } from '../../src/label-studio/export-scanner.js';

/** Feeds `text` to a scanner in chunks cut at `cuts` and collects what it yields. */
function scanInChunks(text: string, cuts: number[]): unknown[] {
  const bytes = Buffer.from(text, 'utf8');
  const scanner = new ExportScanner('chunks.json');
  const out: unknown[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    out.push(...scanner.push(bytes.subarray(start, cut)));
    start = cut;
  }
  out.push(...scanner.push(bytes.subarray(start)));
  scanner.end();
  return out;
}

describe('ExportScanner across chunk boundaries', () => {
  it('yields what JSON.parse sees, wherever the chunks are cut, whatever the escapes', () => {
    const awkward = fc.stringMatching(/^[a-z"\\\\{}[\],\n é]{0,12}$/);
    const task = fc.record({ id: fc.nat(), data: fc.record({ image: awkward, note: awkward }), tags: fc.array(awkward, { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(task, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (tasks, cuts) => {
        expect(scanInChunks(JSON.stringify(tasks), cuts)).toEqual(tasks);
      }),
      { numRuns: 400 },
    );
  });

  it('handles a backslash run split exactly at a chunk edge', () => {
    const tasks = [{ id: 1, data: { image: 'a\\\\\\"b\\\\' } }];
    const text = JSON.stringify(tasks);
    for (let cut = 0; cut <= text.length; cut++) expect(scanInChunks(text, [cut])).toEqual(tasks);
  });
});
