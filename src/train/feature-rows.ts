import { gridHeadInputs, readCellNeighbourhood } from '../model/cell-neighbourhood.js';

/**
 * Feature rows that a fit reads one at a time. A view lets the grid head train on each cell's 3×3
 * neighbourhood without materialising it: for 10,000 images that would be 1.5 GB of floats.
 */
export interface FeatureRows {
  /** Values in a row. */
  width: number;
  /** Writes row `row` into `into`, which holds at least `width` values. */
  read(row: number, into: Float64Array): void;
}

/** The rows of a row-major matrix of `width` columns. */
export function matrixRows(values: Float32Array, width: number): FeatureRows {
  return {
    width,
    read(row, into) {
      const base = row * width;
      for (let i = 0; i < width; i++) into[i] = values[base + i]!;
    },
  };
}

/** Each cell's 3×3 neighbourhood in the grid head's input order (`readCellNeighbourhood`); row = image · G·G + cell. */
export function cellNeighbourhoodRows(cellFeatures: Float32Array, gridSize: number, channels: number): FeatureRows {
  return {
    width: gridHeadInputs(channels),
    read: (row, into) => readCellNeighbourhood(cellFeatures, gridSize, channels, row, into),
  };
}
