/** Side of the window the grid head reads around each cell: it is a 3×3 convolution on the grid map. */
export const HEAD_WINDOW = 3;

/** Inputs of the grid head at one cell: the grid map's channels at each cell of the window. */
export function gridHeadInputs(cellFeatureSize: number): number {
  return HEAD_WINDOW * HEAD_WINDOW * cellFeatureSize;
}

/**
 * Writes the 3×3 neighbourhood of cell `cell` (a global index, image · G·G + row · G + column) of
 * `cellFeatures` ([images × G·G × D]) into `into`, in the grid head's input order: window row, window
 * column, channel. Neighbours outside the grid are zeros, as the convolution's zero padding reads them.
 * Training reads every cell's neighbourhood many times, so this keeps to plain integer arithmetic.
 */
export function readCellNeighbourhood(cellFeatures: Float32Array, gridSize: number, channels: number, cell: number, into: Float64Array): void {
  const cells = gridSize * gridSize;
  const half = (HEAD_WINDOW - 1) / 2;
  const imageBase = cell - (cell % cells);
  const local = cell - imageBase;
  const y0 = (local - (local % gridSize)) / gridSize - half;
  const x0 = (local % gridSize) - half;
  for (let wy = 0; wy < HEAD_WINDOW; wy++) {
    const y = y0 + wy;
    for (let wx = 0; wx < HEAD_WINDOW; wx++) {
      const x = x0 + wx;
      const at = (wy * HEAD_WINDOW + wx) * channels;
      if (y < 0 || y >= gridSize || x < 0 || x >= gridSize) {
        for (let c = 0; c < channels; c++) into[at + c] = 0;
      } else {
        const from = (imageBase + y * gridSize + x) * channels;
        for (let c = 0; c < channels; c++) into[at + c] = cellFeatures[from + c]!;
      }
    }
  }
}
