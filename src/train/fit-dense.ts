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
import type { RowLoss } from './losses.js';
import { computeColumnStats, type ColumnStats, type Dense64 } from './standardise.js';
import type { FitConfig } from './train-config.js';

/** One fitting problem: which rows, how wide, and the loss of each row's logits. */
export interface DenseProblem {
  /** Row-major feature rows, `inputs` values each. */
  features: Float32Array;
  inputs: number;
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
  const { inputs, outputs, rows } = problem;
  const stats = computeColumnStats(problem.features, inputs, rows);
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
      for (let b = start; b < end; b++) pass.run(order[b]!, gradient);
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
  let loss = 0;
  for (let position = 0; position < rows.length; position++) loss += pass.run(position, null);
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

/**
 * Rows run forward on raw features through the standardised parameters folded into effective ones
 * (`load`), which saves standardising every row: logit = b' + Σ f·W'. `run` adds the row's raw
 * gradient sums, Σ g·f for the weights and Σ g for the biases, which `standardiseGradient` turns
 * into the standardised problem's gradient once per batch.
 */
function createRowPass(problem: DenseProblem) {
  const { features, inputs, outputs, rows, loss } = problem;
  const weightCount = inputs * outputs;
  const effective = { weight: new Float64Array(weightCount), bias: new Float64Array(outputs) };
  const logits = new Float64Array(outputs);
  const outputGradient = new Float64Array(outputs);
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
  const run = (position: number, gradient: Float64Array | null): number => {
    const base = rows[position]! * inputs;
    const weight = effective.weight;
    for (let j = 0; j < outputs; j++) {
      let sum = effective.bias[j]!;
      const at = j * inputs;
      for (let i = 0; i < inputs; i++) sum += features[base + i]! * weight[at + i]!;
      logits[j] = sum;
    }
    const value = loss(position, logits, outputGradient);
    if (gradient) {
      for (let j = 0; j < outputs; j++) {
        const g = outputGradient[j]!;
        const at = j * inputs;
        for (let i = 0; i < inputs; i++) gradient[at + i]! += g * features[base + i]!;
        gradient[weightCount + j]! += g;
      }
    }
    return value;
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
