/**
 * The permutation numpy's `np.lexsort((y, x))` returns: ascending x, equal x by ascending y, then
 * input order. -0 sorts with +0, as numpy compares them. Values must not be NaN.
 *
 * A comparison sort of an index array calls its comparator ~20 million times for a million points;
 * this instead radix-sorts the high 32 bits of each x (three passes), which already orders all but
 * the values that share their sign, exponent and top 20 mantissa bits, then settles those short runs
 * by the low bits and runs of equal x by y.
 */
export function lexsortOrder(x: Float64Array, y: Float64Array): Uint32Array {
  const n = x.length;
  const words = new Uint32Array(new Float64Array(x).buffer);
  const low = new Uint32Array(n);
  let high = new Uint32Array(n);
  let order = new Uint32Array(n);
  const counts = new Uint32Array(3 * 2048);
  for (let i = 0; i < n; i++) {
    let hi = words[2 * i + 1]!;
    let lo = words[2 * i]!;
    if (hi === 0x80000000 && lo === 0) hi = 0;
    // Flip negatives entirely and positives' sign bit, so unsigned order is numeric order.
    if (hi & 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else {
      hi = (hi | 0x80000000) >>> 0;
    }
    high[i] = hi;
    low[i] = lo;
    order[i] = i;
    counts[hi & 0x7ff]!++;
    counts[2048 + ((hi >>> 11) & 0x7ff)]!++;
    counts[4096 + (hi >>> 22)]!++;
  }
  let nextHigh = new Uint32Array(n);
  let nextOrder = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    if (n === 0 || counts[base + ((high[0]! >>> shift) & 0x7ff)] === n) continue;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const count = counts[base + d]!;
      counts[base + d] = sum;
      sum += count;
    }
    for (let i = 0; i < n; i++) {
      const hi = high[i]!;
      const to = counts[base + ((hi >>> shift) & 0x7ff)]!++;
      nextHigh[to] = hi;
      nextOrder[to] = order[i]!;
    }
    [high, nextHigh] = [nextHigh, high];
    [order, nextOrder] = [nextOrder, order];
  }
  sortRuns(order, (i) => high[i]!, (a, b) => low[a]! - low[b]! || a - b, (a, b) => low[a] === low[b]);
  sortRuns(order, (i) => x[order[i]!]!, (a, b) => y[a]! - y[b]! || a - b, (a, b) => y[a] === y[b]);
  return order;
}

/**
 * Sorts each run of `order` whose positions share `runKey` with `compare`, which must order by a
 * secondary key and then by index. Runs already in order, the common case, are left untouched.
 */
function sortRuns(
  order: Uint32Array,
  runKey: (position: number) => number,
  compare: (a: number, b: number) => number,
  sameKey: (a: number, b: number) => boolean,
): void {
  const n = order.length;
  let start = 0;
  while (start < n) {
    const key = runKey(start);
    let end = start + 1;
    let sorted = true;
    while (end < n && runKey(end) === key) {
      if (sorted && compare(order[end - 1]!, order[end]!) > 0) sorted = false;
      end++;
    }
    if (!sorted) sortRun(order, start, end, compare, sameKey);
    start = end;
  }
}

function sortRun(
  order: Uint32Array,
  start: number,
  end: number,
  compare: (a: number, b: number) => number,
  sameKey: (a: number, b: number) => boolean,
): void {
  if (end - start <= 32) {
    for (let i = start + 1; i < end; i++) {
      const item = order[i]!;
      let j = i - 1;
      for (; j >= start && compare(order[j]!, item) > 0; j--) order[j + 1] = order[j]!;
      order[j + 1] = item;
    }
    return;
  }
  // Two distinct keys (binary labels, the calibration case): a stable partition, no comparisons.
  const first = order[start]!;
  let other = -1;
  let twoKeys = true;
  for (let i = start + 1; i < end && twoKeys; i++) {
    const item = order[i]!;
    if (sameKey(item, first)) continue;
    if (other < 0) other = item;
    else if (!sameKey(item, other)) twoKeys = false;
  }
  if (twoKeys && other >= 0) {
    const smaller = compare(first, other) < 0 ? first : other;
    const run = order.slice(start, end);
    let to = start;
    for (const item of run) if (sameKey(item, smaller)) order[to++] = item;
    for (const item of run) if (!sameKey(item, smaller)) order[to++] = item;
    return;
  }
  order.subarray(start, end).sort(compare);
}
