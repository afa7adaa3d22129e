import { InputError } from '../errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

type Mode = 'start' | 'array' | 'object' | 'done';

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * A byte-level scanner over a Label Studio export: it follows strings, escapes and nesting depth
 * so that each top-level array element (or the single top-level task object) can be cut out and
 * given to `JSON.parse` on its own, without ever holding the whole file.
 *
 * Feed it chunks with `push`, which returns the values each completes, and finish with `end`.
 */
export class ExportScanner {
  private mode: Mode = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Absolute offset of the first byte of the chunk being scanned. */
  private offset = 0;
  /** Absolute offset where the pending element starts, or -1 between elements. */
  private elementStart = -1;
  /** Bytes of the pending element that arrived in earlier chunks. */
  private parts: Buffer[] = [];
  /** Elements completed so far, which is also the index of the next one. */
  private count = 0;
  /** Whether the last element ended with a comma, so `[1,]` is refused. */
  private afterComma = false;

  constructor(private readonly file: string) {}

  /**
   * Scans one chunk; returns the elements it completed, parsed. The chunk's memory may be reused
   * once this returns: the bytes of an element still pending are copied.
   */
  push(chunk: Buffer): unknown[] {
    const done: unknown[] = [];
    const length = chunk.length;
    let i = 0;
    if (this.mode === 'start') i = this.scanStart(chunk, i);
    while (i < length) {
      if (this.inString || this.depth > this.elementDepth()) {
        i = this.skipInside(chunk, i);
        if (this.mode === 'object' && this.depth === 0) {
          done.push(this.finishElement(chunk, i));
          this.mode = 'done';
        }
        continue;
      }
      const byte = chunk[i]!;
      if (this.mode === 'done') {
        if (!isWhitespace(byte)) this.fail('json-syntax', this.offset + i, 'data after the end of the export');
      } else if (byte === QUOTE) {
        this.beginElement(i);
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.beginElement(i);
        this.depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.closeBracket(chunk, i, byte, done);
      } else if (byte === COMMA && this.depth === 1 && this.mode === 'array') {
        if (this.elementStart < 0) this.fail('json-syntax', this.offset + i, 'an empty element (two commas, or a comma after "[")');
        done.push(this.finishElement(chunk, i));
        this.afterComma = true;
      } else if (!isWhitespace(byte)) {
        this.beginElement(i);
      }
      i++;
    }
    if (this.elementStart >= 0) this.parts.push(Buffer.from(this.elementStart >= this.offset ? chunk.subarray(this.elementStart - this.offset) : chunk));
    this.offset += length;
    return done;
  }

  /** The depth of the elements cut out: inside the list, or the top level for a single task. */
  private elementDepth(): number {
    return this.mode === 'array' ? 1 : 0;
  }

  /**
   * Runs through the inside of an element (its strings and nested brackets) until the scan is
   * back at the level where elements begin and end, or the chunk ends; returns where it stopped.
   * Nearly every byte of an export passes through this loop, the reader's main cost besides
   * `JSON.parse`, so it keeps its state in locals and looks at each byte once.
   */
  private skipInside(chunk: Buffer, from: number): number {
    const length = chunk.length;
    const floor = this.elementDepth();
    let depth = this.depth;
    let inString = this.inString;
    let i = from;
    if (this.escaped) {
      // The previous chunk ended on a backslash inside a string: this byte is escaped.
      this.escaped = false;
      i++;
    }
    while (i < length) {
      if (inString) {
        while (i < length) {
          const byte = chunk[i++]!;
          if (byte === QUOTE) {
            inString = false;
            break;
          }
          if (byte === BACKSLASH) {
            if (i === length) this.escaped = true;
            i++;
          }
        }
      } else if (depth === floor) {
        break;
      } else {
        while (i < length) {
          const byte = chunk[i++]!;
          if (byte === QUOTE) {
            inString = true;
            break;
          }
          // "{" and "[" differ only in bit 0x20, and so do "}" and "]"; no other byte folds onto them.
          const folded = byte | 0x20;
          if (folded === OPEN_BRACE) {
            depth++;
          } else if (folded === CLOSE_BRACE && --depth === floor) {
            break;
          }
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    return Math.min(i, length);
  }

  /** Ends the input: refuses empty, truncated or unfinished exports. */
  end(): void {
    if (this.mode === 'start') this.fail('empty-file', this.offset, 'the file is empty');
    if (this.mode !== 'done') {
      const what = this.inString ? 'inside a string' : `with ${this.depth} unclosed bracket${this.depth === 1 ? '' : 's'}`;
      this.fail('truncated', this.offset, `the file ends ${what}; it was cut off`);
    }
    if (this.count === 0) this.fail('empty-export', this.offset, 'the export holds no tasks');
  }

  private scanStart(chunk: Buffer, from: number): number {
    let i = from;
    // A UTF-8 byte order mark, written by some editors, is not JSON but is harmless.
    if (this.offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    while (i < chunk.length && isWhitespace(chunk[i]!)) i++;
    if (i === chunk.length) return i;
    const byte = chunk[i]!;
    if (byte === OPEN_BRACKET) {
      this.mode = 'array';
      this.depth = 1;
      return i + 1;
    }
    if (byte === OPEN_BRACE) {
      this.mode = 'object';
      return i;
    }
    return this.fail('top-level', this.offset + i, 'the top level is neither a list of tasks nor a task object');
  }

  private beginElement(i: number): void {
    if (this.elementStart < 0 && (this.mode === 'object' || this.depth === 1)) {
      this.elementStart = this.offset + i;
      this.afterComma = false;
    }
  }

  private closeBracket(chunk: Buffer, i: number, byte: number, done: unknown[]): void {
    if (this.depth === 0) this.fail('json-syntax', this.offset + i, 'a closing bracket with nothing open');
    if (this.mode === 'array' && this.depth === 1) {
      if (byte !== CLOSE_BRACKET) this.fail('json-syntax', this.offset + i, 'the task list closed with "}"');
      if (this.elementStart >= 0) done.push(this.finishElement(chunk, i));
      else if (this.afterComma) this.fail('json-syntax', this.offset + i, 'a trailing comma before "]"');
      this.depth = 0;
      this.mode = 'done';
      return;
    }
    this.depth--;
    if (this.mode === 'object' && this.depth === 0) {
      done.push(this.finishElement(chunk, i + 1));
      this.mode = 'done';
    }
  }

  /** Parses the pending element, which ends just before `end` in `chunk`. */
  private finishElement(chunk: Buffer, end: number): unknown {
    const start = this.elementStart;
    let text: string;
    if (this.parts.length === 0) {
      text = chunk.toString('utf8', start - this.offset, end);
    } else {
      this.parts.push(chunk.subarray(0, end));
      text = Buffer.concat(this.parts).toString('utf8');
      this.parts = [];
    }
    this.elementStart = -1;
    const index = this.count++;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new InputError(`${this.file}: task #${index} (byte ${start}) is not valid JSON: ${detail} (rule json-syntax)`, {
        file: this.file,
        item: `#${index}`,
        rule: 'json-syntax',
        offset: start,
        index,
      });
    }
  }

  /** Throws the InputError for `rule` at absolute byte `offset`. */
  private fail(rule: string, offset: number, detail: string): never {
    const index = this.count;
    throw new InputError(`${this.file}: at byte ${offset} (task #${index}): ${detail} (rule ${rule})`, {
      file: this.file,
      item: `#${index}`,
      rule,
      offset,
      index,
    });
  }
}
