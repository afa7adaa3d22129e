/**
 * Trains the heads of cairn's built-in model on features the extractor already computed. Pure and
 * deterministic: the same input and config give bit-identical weights (see `fit-dense.ts`).
 *
 * - Class head: multinomial logistic regression on the image features; each row weighs its sample
 *   weight (1 for a human label, less for a weak one) times its class's inverse-frequency weight.
 * - Grid head: its columns are independent linear models on each cell's 3×3 neighbourhood of cell
 *   features (a 3×3 convolution), so each group is fitted on the rows it concerns: objectness (binary cross-entropy, object cells up-weighted) on every
 *   cell; region class softmax (class-weighted) and box logits (smooth-L1) on object cells only.
 */
import { InputError } from '../errors.js';
import { gridHeadChannels, type DenseWeights } from '../model/model-spec.js';
import type { FeatureBatch } from '../model/reference-features.js';
import { createPrng } from '../model/prng.js';
import { gridHeadInputs } from '../model/cell-neighbourhood.js';
import { cellNeighbourhoodRows, matrixRows, type FeatureRows } from './feature-rows.js';
import { fitDense, plannedEpochs, type DenseFit, type DenseProblem } from './fit-dense.js';
import { buildGridTargets, type RegionTarget } from './grid-targets.js';
import { binaryCrossEntropy, inverseFrequencyWeights, smoothL1, softmaxCrossEntropy } from './losses.js';
import type { Dense64 } from './standardise.js';
import type { FitConfig, TrainConfig } from './train-config.js';
import { assertHeadTrainingInput } from './assert-head-input.js';
import { cellColumnMask, imageColumnMask, maskColumns, selectTowers, type TowerShape } from './select-towers.js';

/** What the heads learn from one item. */
export interface HeadTrainingItem {
  /** Image class index, or null for an item without a label (the class head skips it). */
  classIndex: number | null;
  /** Sample weight in [0, 1] of the image class label: 1 for human labels, a weak label's weight otherwise. */
  weight: number;
  /** The item's boxes; every object in the image is taken to be among them. */
  regions: readonly RegionTarget[];
}

/** Features of every item, in item order, and the names' counts. */
export interface HeadTrainingInput {
  features: FeatureBatch;
  imageFeatureSize: number;
  cellFeatureSize: number;
  gridSize: number;
  classCount: number;
  regionClassCount: number;
  items: readonly HeadTrainingItem[];
  /**
   * The extractor's towers, whose features lie side by side in that order; with two or more and image
   * classes, the heads read only the towers `selectTowers` keeps. Without, every feature is read.
   */
  towers?: readonly TowerShape[];
}

/** How one fit went. */
export interface FitStats {
  rows: number;
  epochs: number;
  steps: number;
  finalLoss: number;
}

export interface TrainingStats {
  classHead: FitStats;
  objectness: FitStats;
  regionClasses: FitStats;
  boxes: FitStats;
  /** The towers whose features the heads read (empty when the input named none). */
  towers: string[];
  /** Cells that own a box, and the objectness weight each got. */
  positiveCells: number;
  positiveWeight: number;
}

/** The heads in the layout `ModelSpec` expects (null for a head without names), and how training went. */
export interface TrainedHeads {
  classHead: DenseWeights | null;
  gridHead: DenseWeights | null;
  stats: TrainingStats;
}

const FIT_ORDER = ['classHead', 'objectness', 'regionClasses', 'boxes'] as const;
type FitName = (typeof FIT_ORDER)[number];
const GRID_FITS = ['objectness', 'regionClasses', 'boxes'] as const;
const SKIPPED: FitStats = { rows: 0, epochs: 0, steps: 0, finalLoss: 0 };

/**
 * Trains the heads the names ask for: the class head when there are image classes, the grid head when
 * there are region classes. `onProgress(done, total)` counts epochs over all fits. Throws an
 * `InputError` when the input is inconsistent, or when there are image classes but no item has one.
 */
export function trainHeads(input: HeadTrainingInput, config: TrainConfig, onProgress?: (done: number, total: number) => void): TrainedHeads {
  assertHeadTrainingInput(input);
  const problems: Partial<Record<FitName, DenseProblem>> = {};
  // One seed a fit, drawn in a fixed order whichever fits run, so that changing one fit's config leaves the others' order alone.
  const seeds = createPrng(config.seed);
  const fitSeeds = FIT_ORDER.map(() => seeds.nextUint32());
  const towers = input.towers ?? [];
  let kept = towers.map(() => true);
  if (input.classCount > 0) {
    const { problem, rowWeights } = buildClassProblem(input);
    kept = selectTowers(problem, rowWeights, towers, config.classHead, seeds.nextUint32());
    problems.classHead = towers.length === 0 ? problem : { ...problem, features: maskColumns(problem.features, imageColumnMask(towers, kept)) };
  }
  let positiveWeight = 1;
  const grid = input.regionClassCount > 0 ? buildGridProblems(input, config, towers.length === 0 ? null : cellColumnMask(towers, kept)) : null;
  if (grid) {
    positiveWeight = grid.positiveWeight;
    for (const name of GRID_FITS) problems[name] = grid[name];
  }
  const planned = FIT_ORDER.filter((name) => problems[name] !== undefined);
  const total = planned.reduce((sum, name) => sum + plannedEpochs(problems[name]!.rows.length, config[name], config.minSteps), 0);
  let done = 0;
  const fits: Partial<Record<FitName, DenseFit>> = {};
  FIT_ORDER.forEach((name, index) => {
    const problem = problems[name];
    if (!problem) return;
    fits[name] = fitDense(problem, config[name], { seed: fitSeeds[index]!, minSteps: config.minSteps, onEpoch: () => onProgress?.(++done, total) });
  });
  const statsOf = (name: FitName): FitStats => {
    const fit = fits[name];
    return fit ? { rows: problems[name]!.rows.length, epochs: fit.epochs, steps: fit.steps, finalLoss: fit.finalLoss } : SKIPPED;
  };
  return {
    classHead: fits.classHead ? toFloat32(fits.classHead.layer) : null,
    gridHead: grid ? assembleGridHead(GRID_FITS.map((name) => fits[name]!.layer), gridHeadInputs(input.cellFeatureSize)) : null,
    stats: {
      classHead: statsOf('classHead'),
      objectness: statsOf('objectness'),
      regionClasses: statsOf('regionClasses'),
      boxes: statsOf('boxes'),
      towers: towers.filter((_, t) => kept[t]).map((tower) => tower.name),
      positiveCells: grid ? grid.boxes.rows.length : 0,
      positiveWeight,
    },
  };
}

/** Labelled items only; each row weighs its sample weight times its class's inverse-frequency weight. */
function buildClassProblem({ features, items, imageFeatureSize, classCount }: HeadTrainingInput): { problem: DenseProblem; rowWeights: Float64Array } {
  const labelled = items.flatMap((item, index) => (item.classIndex !== null && item.weight > 0 ? [index] : []));
  if (labelled.length === 0) throw new InputError('no item has an image class label with a positive weight', { rule: 'no-class-labels' });
  const targets = Int32Array.from(labelled, (index) => items[index]!.classIndex!);
  const sampleWeights = Float64Array.from(labelled, (index) => items[index]!.weight);
  const classWeights = inverseFrequencyWeights(targets, sampleWeights, classCount);
  const rowWeights = sampleWeights.map((w, p) => w * classWeights[targets[p]!]!);
  return { problem: problem(matrixRows(features.imageFeatures, imageFeatureSize), classCount, Int32Array.from(labelled), softmaxCrossEntropy(targets, rowWeights), sum(rowWeights)), rowWeights };
}

/** Objectness on every cell; region classes and boxes on object cells. Biases start at the best constants. */
function buildGridProblems(input: HeadTrainingInput, config: TrainConfig, mask: Uint8Array | null) {
  const { features, items, cellFeatureSize, regionClassCount: R } = input;
  const rows = cellNeighbourhoodRows(features.cellFeatures, input.gridSize, cellFeatureSize);
  const neighbourhoods = mask ? maskColumns(rows, mask) : rows;
  const targets = buildGridTargets(items, input.gridSize);
  const positives = targets.positiveCells.length;
  const positiveWeight = resolvePositiveWeight(config.positiveWeight, positives, targets.objectness.length - positives);
  const cellWeights = Float64Array.from(targets.objectness, (y) => (y === 1 ? positiveWeight : 1));
  const allCells = Int32Array.from(cellWeights.keys());
  const regionWeights = inverseFrequencyWeights(targets.regionClasses, new Float64Array(positives).fill(1), R);
  const regionRowWeights = Float64Array.from(targets.regionClasses, (c) => regionWeights[c]!);
  return {
    objectness: {
      ...problem(neighbourhoods, 1, allCells, binaryCrossEntropy(targets.objectness, cellWeights), sum(cellWeights)),
      initialBias: Float64Array.of(priorLogit((positives * positiveWeight) / sum(cellWeights))),
    },
    regionClasses: problem(neighbourhoods, R, targets.positiveCells, softmaxCrossEntropy(targets.regionClasses, regionRowWeights), positives),
    boxes: { ...problem(neighbourhoods, 4, targets.positiveCells, smoothL1(targets.boxes), positives), initialBias: columnMeans(targets.boxes, 4) },
    positiveWeight,
  };
}

function problem(features: FeatureRows, outputs: number, rows: Int32Array, loss: DenseProblem['loss'], normaliser: number): DenseProblem {
  return { features, outputs, rows, loss, normaliser };
}

/** The log-odds of a rate, kept finite for a rate of 0 or 1. */
function priorLogit(rate: number): number {
  const p = Math.min(1 - 1e-4, Math.max(1e-4, rate));
  return Math.log(p / (1 - p));
}

function columnMeans(values: Float64Array, width: number): Float64Array {
  const means = new Float64Array(width);
  const rows = values.length / width;
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) means[j]! += values[r * width + j]!;
  return rows === 0 ? means : means.map((total) => total / rows);
}

function resolvePositiveWeight(setting: TrainConfig['positiveWeight'], positives: number, negatives: number): number {
  if (setting !== 'auto') return setting;
  return positives === 0 ? 1 : Math.max(1, Math.sqrt(negatives / positives));
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function toFloat32(layer: Dense64): DenseWeights {
  return { weight: Float32Array.from(layer.weight), bias: Float32Array.from(layer.bias) };
}

/** Interleaves the column groups into the grid head's [9·D × (1 + R + 4)] layout: objectness, region logits, tx, ty, tw, th. */
function assembleGridHead(groups: readonly Dense64[], inputs: number): DenseWeights {
  const widths = groups.map((group) => group.bias.length);
  const channels = widths.reduce((a, b) => a + b, 0);
  const weight = new Float32Array(inputs * channels);
  const bias = new Float32Array(channels);
  let offset = 0;
  groups.forEach((group, g) => {
    const width = widths[g]!;
    for (let i = 0; i < inputs; i++) for (let j = 0; j < width; j++) weight[i * channels + offset + j] = group.weight[i * width + j]!;
    bias.set(group.bias, offset);
    offset += width;
  });
  if (channels !== gridHeadChannels(widths[1]!)) throw new Error('grid head column groups do not match the layout');
  return { weight, bias };
}
