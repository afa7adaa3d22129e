import { describe, expect, it } from 'vitest';
import { lineLocator } from '../../src/text/line-locator.js';

describe('lineLocator', () => {
  it('counts CRLF, LF and CR as one line end each, in code units or in bytes', () => {
    const text = 'a\r\nbé\nc\rd';
    const inText = lineLocator(text);
    expect([0, 3, 5, 7, 8].map((offset) => inText(offset))).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 1 },
      { line: 2, column: 3 },
      { line: 3, column: 2 },
      { line: 4, column: 1 },
    ]);
    // "é" is two bytes in UTF-8, so every later offset moves by one.
    const inBytes = lineLocator(Buffer.from(text, 'utf8'));
    expect([6, 9].map((offset) => inBytes(offset))).toEqual([
      { line: 2, column: 4 },
      { line: 4, column: 1 },
    ]);
  });
});
