import { describe, expect, it } from 'vitest';
import { readCellNeighbourhood } from '../../src/model/cell-neighbourhood.js';
import { cellNeighbourhoodRows, matrixRows } from '../../src/train/feature-rows.js';

describe('feature rows', () => {
  it('read a cell neighbourhood exactly as the model reference does, zero padding included', () => {
    const [grid, channels, images] = [4, 3, 2];
    const cellFeatures = Float32Array.from({ length: images * grid * grid * channels }, (_, n) => n + 0.5);
    const rows = cellNeighbourhoodRows(cellFeatures, grid, channels);
    const [actual, reference] = [new Float64Array(rows.width).fill(Number.NaN), new Float64Array(rows.width).fill(Number.NaN)];
    for (let cell = 0; cell < images * grid * grid; cell++) {
      rows.read(cell, actual);
      readCellNeighbourhood(cellFeatures, grid, channels, cell, reference);
      const expected = neighbourhood(cellFeatures, grid, channels, cell);
      expect(actual).toEqual(expected);
      expect(reference).toEqual(expected);
    }
  });

  it('read a row of a matrix', () => {
    const into = new Float64Array(2);
    matrixRows(Float32Array.of(1, 2, 3, 4), 2).read(1, into);
    expect([...into]).toEqual([3, 4]);
  });
});

/** The 3×3 window around a cell, row by row, each neighbour's channels in order; zeros off the grid. */
function neighbourhood(cellFeatures: Float32Array, grid: number, channels: number, cell: number): Float64Array {
  const image = Math.floor(cell / (grid * grid));
  const [row, column] = [Math.floor((cell % (grid * grid)) / grid), cell % grid];
  const values: number[] = [];
  for (const dy of [-1, 0, 1]) {
    for (const dx of [-1, 0, 1]) {
      const [y, x] = [row + dy, column + dx];
      const inside = y >= 0 && y < grid && x >= 0 && x < grid;
      for (let c = 0; c < channels; c++) values.push(inside ? cellFeatures[((image * grid + y) * grid + x) * channels + c]! : 0);
    }
  }
  return Float64Array.from(values);
}
