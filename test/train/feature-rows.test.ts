import { describe, expect, it } from 'vitest';
import { readCellNeighbourhood } from '../../src/model/cell-neighbourhood.js';
import { cellNeighbourhoodRows, matrixRows } from '../../src/train/feature-rows.js';

describe('feature rows', () => {
  it('read a cell neighbourhood exactly as the model reference does, zero padding included', () => {
    const [grid, channels, images] = [4, 3, 2];
    const cellFeatures = Float32Array.from({ length: images * grid * grid * channels }, (_, n) => n + 0.5);
    const rows = cellNeighbourhoodRows(cellFeatures, grid, channels);
    const [actual, expected] = [new Float64Array(rows.width).fill(Number.NaN), new Float64Array(rows.width)];
    for (let cell = 0; cell < images * grid * grid; cell++) {
      rows.read(cell, actual);
      readCellNeighbourhood(cellFeatures, grid, channels, cell, expected);
      expect(actual).toEqual(expected);
    }
  });

  it('read a row of a matrix', () => {
    const into = new Float64Array(2);
    matrixRows(Float32Array.of(1, 2, 3, 4), 2).read(1, into);
    expect([...into]).toEqual([3, 4]);
  });
});
