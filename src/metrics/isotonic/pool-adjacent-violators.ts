/**
 * Weighted isotonic (non-decreasing) regression of `y` in place, by pool adjacent violators: each
 * decreasing stretch is pooled into its weighted mean, stepping back after every merge so that one
 * pass suffices. The additions happen in the order of scikit-learn's
 * `_inplace_contiguous_isotonic_regression`, so the fitted values agree to the last bit.
 * `w` is overwritten with pooled weights.
 */
export function poolAdjacentViolators(y: Float64Array, w: Float64Array): void {
  const n = y.length;
  // For a block [i..j]: end[i] = j and end[j] = i; y[i], w[i] hold the block's mean and weight.
  const end = new Int32Array(n);
  for (let i = 0; i < n; i++) end[i] = i;
  let i = 0;
  while (i < n) {
    let k = end[i]! + 1;
    if (k === n) break;
    if (y[i]! < y[k]!) {
      i = k;
      continue;
    }
    let sumWy = w[i]! * y[i]!;
    let sumW = w[i]!;
    for (;;) {
      const previous = y[k]!;
      sumWy += w[k]! * y[k]!;
      sumW += w[k]!;
      k = end[k]! + 1;
      if (k === n || previous < y[k]!) {
        y[i] = sumWy / sumW;
        w[i] = sumW;
        end[i] = k - 1;
        end[k - 1] = i;
        if (i > 0) i = end[i - 1]!;
        break;
      }
    }
  }
  for (let start = 0; start < n; ) {
    const next = end[start]! + 1;
    y.fill(y[start]!, start + 1, next);
    start = next;
  }
}
