import { InputError } from '../errors.js';
import { sortPoints, type SortedPoints } from './isotonic/sort-points.js';
import { poolAdjacentViolators } from './isotonic/pool-adjacent-violators.js';

/**
 * A fitted isotonic calibration: the breakpoints of a non-decreasing piecewise-linear map, x strictly
 * increasing. Plain arrays, so it serialises to JSON as it is. It equals scikit-learn's
 * `X_thresholds_` and `y_thresholds_`.
 */
export interface IsotonicModel {
  x: number[];
  y: number[];
}

// scikit-learn merges x values closer than numpy's float64 `resolution` into one point.
const SAME_X = 1e-15;

/**
 * Fits scikit-learn's `IsotonicRegression(increasing=True, out_of_bounds='clip')`: points with
 * weight <= 0 are dropped; points are sorted by x, then y; points whose x lies within 1e-15 of the
 * first x of their group are merged into one (weighted mean of y, summed weight); pool adjacent
 * violators fits the merged points; interior breakpoints whose y equals both neighbours' are dropped.
 *
 * @param weights one per point; all 1 when omitted.
 * @throws InputError when lengths differ, a value is not finite, or no point has a positive weight.
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicModel {
  const n = x.length;
  if (y.length !== n || (weights && weights.length !== n)) {
    throw new InputError('x, y and weights must have the same length', { rule: 'isotonic-same-length', x: n, y: y.length, weights: weights?.length });
  }
  let positive = 0;
  for (let i = 0; i < n; i++) {
    const weight = weights ? weights[i]! : 1;
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!) || !Number.isFinite(weight)) {
      throw new InputError(`point ${i} has a value that is not a finite number`, { rule: 'isotonic-finite', item: String(i) });
    }
    if (weight > 0) positive++;
  }
  if (positive === 0) throw new InputError('isotonic regression needs at least one point with a positive weight', { rule: 'isotonic-not-empty' });
  const { ux, uy, uw } = mergeEqualX(sortPoints(x, y, weights));
  poolAdjacentViolators(uy, uw);
  return keepBreakpoints(ux, uy);
}

/**
 * Merges sorted points whose x lies within 1e-15 of the first x of their group, summing in
 * scikit-learn's order (`_make_unique`): weighted mean of y, summed weight.
 */
function mergeEqualX({ records, stride, count: n }: SortedPoints): { ux: Float64Array; uy: Float64Array; uw: Float64Array } {
  const ux = new Float64Array(n);
  const uy = new Float64Array(n);
  const uw = new Float64Array(n);
  let count = 0;
  let currentX = records[0]!;
  let sumWy = 0;
  let sumW = 0;
  for (let i = 0; i < n; i++) {
    const x = records[stride * i]!;
    const y = records[stride * i + 1]!;
    const weight = stride === 3 ? records[stride * i + 2]! : 1;
    if (x - currentX >= SAME_X) {
      ux[count] = currentX;
      uw[count] = sumW;
      uy[count++] = sumWy / sumW;
      currentX = x;
      sumW = weight;
      sumWy = y * weight;
    } else {
      sumW += weight;
      sumWy += y * weight;
    }
  }
  ux[count] = currentX;
  uw[count] = sumW;
  uy[count++] = sumWy / sumW;
  return { ux: ux.subarray(0, count), uy: uy.subarray(0, count), uw: uw.subarray(0, count) };
}

function keepBreakpoints(xs: Float64Array, ys: Float64Array): IsotonicModel {
  const model: IsotonicModel = { x: [], y: [] };
  const last = xs.length - 1;
  for (let i = 0; i <= last; i++) {
    if (i > 0 && i < last && ys[i] === ys[i - 1] && ys[i] === ys[i + 1]) continue;
    model.x.push(xs[i]!);
    model.y.push(ys[i]!);
  }
  return model;
}

/**
 * The calibrated value of `value`: clipped to the model's x range, then linearly interpolated
 * between breakpoints with numpy's `interp` arithmetic (slope × (v − x[j]) + y[j]). NaN stays NaN.
 */
export function predictIsotonic(model: IsotonicModel, value: number): number {
  const { x, y } = model;
  const last = x.length - 1;
  if (Number.isNaN(value)) return value;
  if (value >= x[last]!) return y[last]!;
  if (value <= x[0]!) return y[0]!;
  // x[lo] <= value < x[hi]
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= value) lo = mid;
    else hi = mid;
  }
  if (x[lo] === value) return y[lo]!;
  const slope = (y[hi]! - y[lo]!) / (x[hi]! - x[lo]!);
  return slope * (value - x[lo]!) + y[lo]!;
}

/** {@link predictIsotonic} for every value. */
export function predictIsotonicAll(model: IsotonicModel, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = predictIsotonic(model, values[i]!);
  return out;
}

/** Validates a stored isotonic model: equal lengths, at least one point, finite, x strictly increasing. */
export function parseIsotonicModel(value: unknown): IsotonicModel {
  const fail = (rule: string): never => {
    throw new InputError(`not an isotonic model: ${rule}`, { rule: `isotonic-model-${rule}` });
  };
  if (typeof value !== 'object' || value === null) return fail('object');
  const { x, y } = value as { x?: unknown; y?: unknown };
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.length === 0) return fail('arrays');
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!x.every(finite) || !y.every(finite)) return fail('finite');
  for (let i = 1; i < x.length; i++) if (!(x[i]! > x[i - 1]!)) fail('x-increasing');
  return { x: [...x], y: [...y] };
}
