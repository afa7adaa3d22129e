import { HEAD_WINDOW, gridHeadInputs } from '../model/cell-neighbourhood.js';

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

/**
 * Each cell's 3×3 neighbourhood in the grid head's input order; row = image · G·G + cell. The same
 * values as `readCellNeighbourhood`, copied with plain integer arithmetic: fits read every row many times.
 */
export function cellNeighbourhoodRows(cellFeatures: Float32Array, gridSize: number, channels: number): FeatureRows {
  const cells = gridSize * gridSize;
  const half = (HEAD_WINDOW - 1) / 2;
  return {
    width: gridHeadInputs(channels),
    read(row, into) {
      const imageBase = row - (row % cells);
      const local = row - imageBase;
      const y0 = (local - (local % gridSize)) / gridSize - half;
      const x0 = (local % gridSize) - half;
      for (let wy = 0; wy < HEAD_WINDOW; wy++) {
        const y = y0 + wy;
        for (let wx = 0; wx < HEAD_WINDOW; wx++) {
          const x = x0 + wx;
          const at = (wy * HEAD_WINDOW + wx) * channels;
          if (y < 0 || y >= gridSize || x < 0 || x >= gridSize) zeroRun(into, at, channels);
          else copyRun(cellFeatures, (imageBase + y * gridSize + x) * channels, into, at, channels);
        }
      }
    },
  };
}

function copyRun(source: Float32Array, from: number, into: Float64Array, at: number, length: number): void {
  for (let i = 0; i < length; i++) into[at + i] = source[from + i]!;
}

function zeroRun(into: Float64Array, at: number, length: number): void {
  for (let i = 0; i < length; i++) into[at + i] = 0;
}
