/**
 * Points in the order of numpy's `np.lexsort((y, x))` (ascending x, equal x by ascending y, then
 * input order), as records: point `i` has x at `records[stride * i]`, y at `+ 1` and, when
 * `stride` is 3, its weight at `+ 2` (stride 2: unweighted).
 */
export interface SortedPoints {
  records: Float64Array;
  stride: 2 | 3;
  count: number;
}

const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const PASSES = 3;
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Sorts points as scikit-learn does before pooling. -0 sorts with +0, as numpy compares them;
 * values must not be NaN.
 *
 * Random memory access is what costs on a million points (each access a cache and TLB miss), so
 * rather than sorting an index array and gathering, each point travels as one record
 * `[x, y, (w)]` through a radix sort in three 11-bit passes on the high 32 bits of x's
 * order-preserving bit pattern. That orders every x except those that share sign, exponent and the
 * top 20 mantissa bits; those short runs, and runs of equal x, are then put in (x, y) order.
 */
export function sortPoints(x: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): SortedPoints {
  const stride = w ? 3 : 2;
  let records = new Float64Array(stride * x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (w && !(w[i]! > 0)) continue;
    records[stride * n] = x[i]! + 0; // -0 + 0 is +0
    records[stride * n + 1] = y[i]!;
    if (w) records[stride * n + 2] = w[i]!;
    n++;
  }
  records = records.subarray(0, stride * n);
  const counts = new Uint32Array(PASSES * BUCKETS);
  let words = new Uint32Array(records.buffer, records.byteOffset, 2 * records.length);
  for (let i = 0; i < n; i++) {
    const key = orderedHigh(words[2 * stride * i + HIGH_WORD]!);
    counts[key & (BUCKETS - 1)]!++;
    counts[BUCKETS + ((key >>> DIGIT_BITS) & (BUCKETS - 1))]!++;
    counts[2 * BUCKETS + (key >>> (2 * DIGIT_BITS))]!++;
  }
  let target = new Float64Array(records.length);
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * BUCKETS;
    // A digit that every key shares leaves the order as it is.
    if (n === 0 || counts[base + digit(orderedHigh(words[HIGH_WORD]!), pass)] === n) continue;
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const count = counts[base + d]!;
      counts[base + d] = sum;
      sum += count;
    }
    const shift = pass * DIGIT_BITS;
    if (stride === 2) {
      for (let from = 0; from < 2 * n; from += 2) {
        const to = 2 * counts[base + ((orderedHigh(words[2 * from + HIGH_WORD]!) >>> shift) & (BUCKETS - 1))]!++;
        target[to] = records[from]!;
        target[to + 1] = records[from + 1]!;
      }
    } else {
      for (let from = 0; from < 3 * n; from += 3) {
        const to = 3 * counts[base + ((orderedHigh(words[2 * from + HIGH_WORD]!) >>> shift) & (BUCKETS - 1))]!++;
        target[to] = records[from]!;
        target[to + 1] = records[from + 1]!;
        target[to + 2] = records[from + 2]!;
      }
    }
    [records, target] = [target, records];
    words = new Uint32Array(records.buffer, records.byteOffset, 2 * records.length);
  }
  settleRuns(records, stride);
  return { records, stride, count: n };
}

/** The high word of a double as an unsigned key whose order is the doubles' numeric order. */
function orderedHigh(high: number): number {
  return high & 0x80000000 ? ~high >>> 0 : (high | 0x80000000) >>> 0;
}

function digit(key: number, pass: number): number {
  return (key >>> (pass * DIGIT_BITS)) & (BUCKETS - 1);
}

/**
 * Orders each stretch that is not yet in (x, y) order. Only points whose high words are equal can be
 * out of order, and those are still in input order among themselves (the radix sort is stable), so
 * a sort by (x, y, position) keeps input order between equal points.
 */
function settleRuns(records: Float64Array, stride: number): void {
  const n = records.length / stride;
  const words = new Uint32Array(records.buffer, records.byteOffset, 2 * records.length);
  const highAt = (p: number) => words[2 * stride * p + HIGH_WORD];
  const before = (p: number, q: number) => {
    const xp = records[stride * p]!;
    const xq = records[stride * q]!;
    return xp < xq || (xp === xq && records[stride * p + 1]! < records[stride * q + 1]!);
  };
  for (let start = 0, end = 0; start < n; start = end) {
    let sorted = true;
    for (end = start + 1; end < n && highAt(end) === highAt(start); end++) if (sorted && before(end, end - 1)) sorted = false;
    if (sorted) continue;
    if (end - start <= 16) insertionSort(records, stride, start, end);
    else permuteRun(records, stride, start, runOrder(records, stride, start, end));
  }
}

/** Sorts a short run in place by (x, y); moving only strictly smaller points keeps it stable. */
function insertionSort(records: Float64Array, stride: number, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const x = records[stride * i]!;
    const y = records[stride * i + 1]!;
    const w = stride === 3 ? records[stride * i + 2]! : 0;
    let j = i - 1;
    for (; j >= start; j--) {
      const xj = records[stride * j]!;
      if (xj < x || (xj === x && records[stride * j + 1]! <= y)) break;
      for (let c = 0; c < stride; c++) records[stride * (j + 1) + c] = records[stride * j + c]!;
    }
    records[stride * (j + 1)] = x;
    records[stride * (j + 1) + 1] = y;
    if (stride === 3) records[stride * (j + 1) + 2] = w;
  }
}

/** Positions of the run `[start, end)` in (x, y) order, equal points in their current order. */
function runOrder(records: Float64Array, stride: number, start: number, end: number): Int32Array {
  const positions = new Int32Array(end - start);
  for (let i = 0; i < positions.length; i++) positions[i] = start + i;
  const xAt = (p: number) => records[stride * p]!;
  const yAt = (p: number) => records[stride * p + 1]!;
  let other: number | undefined;
  let twoLabels = true;
  for (let p = start + 1; p < end && twoLabels; p++) {
    const label = yAt(p);
    if (xAt(p) !== xAt(start)) twoLabels = false;
    else if (label === yAt(start) || label === other) continue;
    else if (other === undefined) other = label;
    else twoLabels = false;
  }
  if (!twoLabels || other === undefined) return positions.sort((p, q) => compare(xAt(p), xAt(q)) || compare(yAt(p), yAt(q)) || p - q);
  // One x with two labels (binary labels, the calibration case): a stable partition, no comparisons.
  const smaller = Math.min(yAt(start), other);
  let to = 0;
  for (let p = start; p < end; p++) if (yAt(p) === smaller) positions[to++] = p;
  for (let p = start; p < end; p++) if (yAt(p) !== smaller) positions[to++] = p;
  return positions;
}

// By < and > rather than subtraction, which is NaN for two equal infinities.
function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function permuteRun(records: Float64Array, stride: number, start: number, positions: Int32Array): void {
  const copy = records.slice(stride * start, stride * (start + positions.length));
  for (let i = 0; i < positions.length; i++) {
    const from = stride * (positions[i]! - start);
    for (let c = 0; c < stride; c++) records[stride * (start + i) + c] = copy[from + c]!;
  }
}
