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
 */
export function readCellNeighbourhood(cellFeatures: Float32Array, gridSize: number, channels: number, cell: number, into: Float64Array): void {
  const cells = gridSize * gridSize;
  const image = Math.floor(cell / cells);
  const local = cell - image * cells;
  const [row, column] = [Math.floor(local / gridSize), local % gridSize];
  const half = (HEAD_WINDOW - 1) / 2;
  let at = 0;
  for (let dy = -half; dy <= half; dy++) {
    for (let dx = -half; dx <= half; dx++, at += channels) {
      const [y, x] = [row + dy, column + dx];
      if (y < 0 || y >= gridSize || x < 0 || x >= gridSize) {
        into.fill(0, at, at + channels);
        continue;
      }
      const from = (image * cells + y * gridSize + x) * channels;
      for (let c = 0; c < channels; c++) into[at + c] = cellFeatures[from + c]!;
    }
  }
}
