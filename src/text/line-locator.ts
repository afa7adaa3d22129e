const LF = 0x0a;
const CR = 0x0d;

/**
 * Maps an offset into `text` (code units of a string, or bytes) to its 1-based line and column, the
 * column in the same units. CRLF, LF and CR each end a line, as XML and CSV readers count them.
 */
export function lineLocator(text: string | Uint8Array): (offset: number) => { line: number; column: number } {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const unit = at(i);
    if (unit === LF || (unit === CR && at(i + 1) !== LF)) starts.push(i + 1);
  }
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  };
}
