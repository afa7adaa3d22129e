import { readFileSync } from 'node:fs';
import { COCO_STAT_NAMES, parseCocoDetections, parseCocoGroundTruth, type CocoDetection, type CocoGroundTruth, type CocoStats } from '../../src/metrics/coco-eval.js';

/** The reference folders copied into this repository (see their SOURCE.md). */
const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

export const COCO_CASES = ['case-small', 'case-medium', 'case-edge', 'case-crowd-truncation'] as const;
export const ISOTONIC_CASES = ['case-300', 'case-2k'] as const;

export interface CocoCase {
  groundTruth: CocoGroundTruth;
  detections: CocoDetection[];
  stats: CocoStats;
  perClassAP: Map<number, number>;
}

export function readCocoCase(name: string): CocoCase {
  const file = `${FIXTURES}coco-eval/${name}.json`;
  const raw = object(JSON.parse(readFileSync(file, 'utf8')), file);
  const reference = object(raw.reference, `${file} reference`);
  const stats = object(reference.stats, `${file} stats`);
  const perClass = object(reference.per_class_AP, `${file} per_class_AP`);
  return {
    groundTruth: parseCocoGroundTruth(raw.ground_truth, file),
    detections: parseCocoDetections(raw.detections, file),
    stats: Object.fromEntries(COCO_STAT_NAMES.map((name) => [name, number(stats[name], `${file} ${name}`)])) as CocoStats,
    perClassAP: new Map(Object.entries(perClass).map(([id, ap]) => [Number(id), number(ap, `${file} AP of ${id}`)])),
  };
}

export interface IsotonicCase {
  x: number[];
  y: number[];
  weights: number[];
  query: number[];
  predictUnweighted: number[];
  predictWeighted: number[];
  thresholds: { x: number[]; y: number[] };
}

export function readIsotonicCase(name: string): IsotonicCase {
  const file = `${FIXTURES}isotonic/${name}.json`;
  const raw = object(JSON.parse(readFileSync(file, 'utf8')), file);
  const thresholds = object(raw.thresholds_unweighted, `${file} thresholds_unweighted`);
  return {
    x: numbers(raw.x, `${file} x`),
    y: numbers(raw.y, `${file} y`),
    weights: numbers(raw.sample_weight, `${file} sample_weight`),
    query: numbers(raw.query, `${file} query`),
    predictUnweighted: numbers(raw.predict_unweighted, `${file} predict_unweighted`),
    predictWeighted: numbers(raw.predict_weighted, `${file} predict_weighted`),
    thresholds: { x: numbers(thresholds.x, `${file} thresholds x`), y: numbers(thresholds.y, `${file} thresholds y`) },
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function number(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new Error(`${what} is not a number`);
  return value;
}

function numbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`);
  return value.map((item, i) => number(item, `${what}[${i}]`));
}
