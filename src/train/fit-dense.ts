/**
 * Fits one dense layer (logits = bias + x·W) with mini-batch Adam on standardised features, and returns
 * it with the standardisation folded in, so that it applies to raw features.
 *
 * Why Adam on mini-batches rather than full-batch L-BFGS: every head here is a convex problem, so both
 * reach nearly the same optimum, but Adam needs no line search, costs one pass per epoch however many
 * rows there are, and treats every loss alike. The learning rate decays linearly to zero, so the last
 * steps settle instead of rattling around the optimum.
 *
 * Determinism: weights start at zero; the row order of each epoch is a Fisher–Yates shuffle from a
 * seeded mulberry32 stream; every sum is float64, in a fixed order. The same rows, targets and config
 * therefore give bit-identical weights on any V8 platform.
 */
import { createPrng, type Prng } from '../model/prng.js';
import type { FeatureRows } from './feature-rows.js';
import type { RowLoss } from './losses.js';
import { computeColumnStats, type ColumnStats, type Dense64 } from './standardise.js';
import type { FitConfig } from './train-config.js';

/** One fitting problem: which rows, how wide, and the loss of each row's logits. */
export interface DenseProblem {
  /** The feature rows; the layer has `features.width` inputs. */
  features: FeatureRows;
  outputs: number;
  /** The rows to fit on, as row indices into `features`; a row's position in this list indexes its targets. */
  rows: Int32Array;
  loss: RowLoss;
  /** Total weight of all rows: the objective is Σ loss / normaliser + l2/2 · ‖W‖². */
  normaliser: number;
  /** Where the biases start (zero by default): the best constant output saves the steps of walking there. */
  initialBias?: Float64Array;
}

/** The fitted layer, folded to apply to raw features, and how the fit went. */
export interface DenseFit {
  layer: Dense64;
  epochs: number;
  steps: number;
  /** The objective over all rows after the last step. */
  finalLoss: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** The epochs a fit of `rows` rows will run: `config.epochs`, raised to reach `minSteps` Adam steps. */
export function plannedEpochs(rows: number, config: FitConfig, minSteps: number): number {
  if (rows === 0) return 0;
  const stepsPerEpoch = Math.ceil(rows / config.batchSize);
  return Math.max(config.epochs, Math.ceil(minSteps / stepsPerEpoch));
}

/** Fits `problem`; `onEpoch` is called after each epoch. Zero rows give a zero layer. */
export function fitDense(problem: DenseProblem, config: FitConfig, options: { seed: number; minSteps: number; onEpoch?: () => void }): DenseFit {
  const { outputs, rows } = problem;
  const inputs = problem.features.width;
  const stats = computeColumnStats(problem.features, rows);
  const weightCount = inputs * outputs;
  // The standardised problem's parameters, [outputs × inputs] then biases: one Adam update covers both.
  const params = new Float64Array(weightCount + outputs);
  if (problem.initialBias) params.set(problem.initialBias, weightCount);
  const epochs = plannedEpochs(rows.length, config, options.minSteps);
  const totalSteps = epochs * Math.ceil(rows.length / config.batchSize);
  const pass = createRowPass(problem);
  const adam = createAdam(params.length);
  const gradient = new Float64Array(params.length);
  const order = Int32Array.from(rows.keys());
  const prng = createPrng(options.seed);

  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, prng);
    for (let start = 0; start < order.length; start += config.batchSize) {
      const end = Math.min(order.length, start + config.batchSize);
      pass.load(params, stats);
      gradient.fill(0);
      pass.run(order, start, end, gradient, 0);
      standardiseGradient(gradient, stats, outputs);
      // Scaled so that each batch estimates the gradient of the whole objective.
      const scale = rows.length / ((end - start) * problem.normaliser);
      for (let k = 0; k < params.length; k++) gradient[k]! *= scale;
      for (let k = 0; k < weightCount; k++) gradient[k]! += config.l2 * params[k]!;
      adam.update(params, gradient, config.learningRate * (1 - step / totalSteps));
      step++;
    }
    options.onEpoch?.();
  }

  const layer = pass.load(params, stats);
  const loss = pass.run(Int32Array.from(rows.keys()), 0, rows.length, null, 0);
  let penalty = 0;
  for (let k = 0; k < weightCount; k++) penalty += params[k]! * params[k]!;
  const finalLoss = rows.length === 0 ? 0 : loss / problem.normaliser + (config.l2 / 2) * penalty;
  return { layer: { weight: transpose(layer.weight, outputs, inputs), bias: Float64Array.from(layer.bias) }, epochs, steps: step, finalLoss };
}

function shuffle(order: Int32Array, prng: Prng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = prng.nextUint32() % (i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
}

/** Adam (Kingma & Ba 2015) with bias correction; β powers are kept by multiplication, which is exact IEEE arithmetic. */
function createAdam(size: number) {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let beta1Power = 1;
  let beta2Power = 1;
  return {
    update(params: Float64Array, gradient: Float64Array, rate: number): void {
      beta1Power *= BETA1;
      beta2Power *= BETA2;
      for (let k = 0; k < size; k++) {
        const g = gradient[k]!;
        const mk = (m[k] = BETA1 * m[k]! + (1 - BETA1) * g);
        const vk = (v[k] = BETA2 * v[k]! + (1 - BETA2) * g * g);
        params[k]! -= (rate * (mk / (1 - beta1Power))) / (Math.sqrt(vk / (1 - beta2Power)) + EPSILON);
      }
    },
  };
}

/** Rows that run forward together: their sums are independent chains, which the CPU overlaps. */
const CHUNK = 4;

/**
 * Rows run forward on raw features through the standardised parameters folded into effective ones
 * (`load`), which saves standardising every row: logit = b' + Σ f·W'. `run` adds the rows' raw
 * gradient sums, Σ g·f for the weights and Σ g for the biases, which `standardiseGradient` turns
 * into the standardised problem's gradient once per batch.
 *
 * The weights stay fixed within a batch, so rows run CHUNK at a time: each logit is still its own sum
 * in column order, and each gradient sum still adds the rows' terms in row order, so the bits are
 * those of one row at a time.
 */
function createRowPass(problem: DenseProblem) {
  const { features, outputs, rows, loss } = problem;
  const inputs = features.width;
  const weightCount = inputs * outputs;
  const block = new Float64Array(CHUNK * inputs);
  const blockRows = Array.from({ length: CHUNK }, (_, r) => block.subarray(r * inputs, (r + 1) * inputs));
  const effective = { weight: new Float64Array(weightCount), bias: new Float64Array(outputs) };
  const logits = Array.from({ length: CHUNK }, () => new Float64Array(outputs));
  const outputGradients = Array.from({ length: CHUNK }, () => new Float64Array(outputs));
  const load = (params: Float64Array, stats: ColumnStats): Dense64 => {
    for (let j = 0; j < outputs; j++) {
      const at = j * inputs;
      let bias = params[weightCount + j]!;
      for (let i = 0; i < inputs; i++) {
        const w = (effective.weight[at + i] = params[at + i]! * stats.inverseStd[i]!);
        bias -= w * stats.mean[i]!;
      }
      effective.bias[j] = bias;
    }
    return effective;
  };
  /** Runs the rows at `positions[start, end)` in order; returns `total` plus their losses, added one by one. */
  const run = (positions: Int32Array, start: number, end: number, gradient: Float64Array | null, total: number): number => {
    let sum = total;
    let b = start;
    for (; b + CHUNK <= end; b += CHUNK) {
      for (let r = 0; r < CHUNK; r++) features.read(rows[positions[b + r]!]!, blockRows[r]!);
      forwardChunk();
      for (let r = 0; r < CHUNK; r++) sum += loss(positions[b + r]!, logits[r]!, outputGradients[r]!);
      if (gradient) backwardChunk(gradient);
    }
    for (; b < end; b++) {
      features.read(rows[positions[b]!]!, block);
      forwardOne();
      sum += loss(positions[b]!, logits[0]!, outputGradients[0]!);
      if (gradient) backwardOne(gradient);
    }
    return sum;
  };
  const forwardChunk = (): void => {
    const weight = effective.weight;
    const [l0, l1, l2, l3] = logits as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let j = 0; j < outputs; j++) {
      const at = j * inputs;
      let s0 = effective.bias[j]!;
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      for (let i = 0; i < inputs; i++) {
        const w = weight[at + i]!;
        s0 += block[i]! * w;
        s1 += block[inputs + i]! * w;
        s2 += block[2 * inputs + i]! * w;
        s3 += block[3 * inputs + i]! * w;
      }
      l0[j] = s0;
      l1[j] = s1;
      l2[j] = s2;
      l3[j] = s3;
    }
  };
  const backwardChunk = (gradient: Float64Array): void => {
    const [g0s, g1s, g2s, g3s] = outputGradients as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let j = 0; j < outputs; j++) {
      const g0 = g0s[j]!;
      const g1 = g1s[j]!;
      const g2 = g2s[j]!;
      const g3 = g3s[j]!;
      const at = j * inputs;
      // Left to right: row 0's term is added first, as row by row.
      for (let i = 0; i < inputs; i++) gradient[at + i] = gradient[at + i]! + g0 * block[i]! + g1 * block[inputs + i]! + g2 * block[2 * inputs + i]! + g3 * block[3 * inputs + i]!;
      gradient[weightCount + j] = gradient[weightCount + j]! + g0 + g1 + g2 + g3;
    }
  };
  const forwardOne = (): void => {
    const weight = effective.weight;
    const l0 = logits[0]!;
    for (let j = 0; j < outputs; j++) {
      let s0 = effective.bias[j]!;
      const at = j * inputs;
      for (let i = 0; i < inputs; i++) s0 += block[i]! * weight[at + i]!;
      l0[j] = s0;
    }
  };
  const backwardOne = (gradient: Float64Array): void => {
    const g0s = outputGradients[0]!;
    for (let j = 0; j < outputs; j++) {
      const g = g0s[j]!;
      const at = j * inputs;
      for (let i = 0; i < inputs; i++) gradient[at + i]! += g * block[i]!;
      gradient[weightCount + j]! += g;
    }
  };
  return { load, run };
}

/** Raw sums → gradient of the standardised weights: ∂/∂Wⱼᵢ = (Σ g·fᵢ − meanᵢ · Σ g) / stdᵢ. */
function standardiseGradient(gradient: Float64Array, stats: ColumnStats, outputs: number): void {
  const inputs = stats.mean.length;
  for (let j = 0; j < outputs; j++) {
    const sum = gradient[inputs * outputs + j]!;
    for (let i = 0; i < inputs; i++) gradient[j * inputs + i] = (gradient[j * inputs + i]! - stats.mean[i]! * sum) * stats.inverseStd[i]!;
  }
}

/** [outputs × inputs] → [inputs × outputs]. */
function transpose(values: Float64Array, outputs: number, inputs: number): Float64Array {
  const result = new Float64Array(values.length);
  for (let j = 0; j < outputs; j++) for (let i = 0; i < inputs; i++) result[i * outputs + j] = values[j * inputs + i]!;
  return result;
}
