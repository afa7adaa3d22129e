/** A ground-truth box of one item: its region class index and its extent in 0–1 of the image. */
export interface RegionTarget {
  classIndex: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the grid head learns, cell by cell. Positive cells are listed item by item, cells in index order. */
export interface GridTargets {
  /** [items × G·G]: 1 for a cell that owns a box, else 0. */
  objectness: Uint8Array;
  /** Global cell index (item · G·G + cell) of each positive cell. */
  positiveCells: Int32Array;
  /** Region class index of each positive cell. */
  regionClasses: Int32Array;
  /** [positives × 4]: target logits tx, ty, tw, th of each positive cell. */
  boxes: Float64Array;
}

// Sigmoid targets are clamped into [ε, 1 − ε] before the logit: a box touching a cell edge or the
// image edge would otherwise ask for an infinite logit. logit(0.01) ≈ −4.6.
const TARGET_EPSILON = 0.01;

function logit(p: number): number {
  const q = Math.min(1 - TARGET_EPSILON, Math.max(TARGET_EPSILON, p));
  return Math.log(q / (1 - q));
}

/**
 * Assigns each box to the cell containing its centre, as the grid head's decoder reads it
 * (`heads-graph.ts`): centre = ((column + σ(tx)) / G, (row + σ(ty)) / G), size = (σ(tw), σ(th)).
 * When several boxes' centres fall into one cell, the largest box owns it (the first on a tie): a cell
 * predicts one box, so the others go unlearnt, and dropping the smaller ones loses the least.
 */
export function buildGridTargets(items: ReadonlyArray<{ regions: readonly RegionTarget[] }>, gridSize: number): GridTargets {
  const cells = gridSize * gridSize;
  const objectness = new Uint8Array(items.length * cells);
  const positiveCells: number[] = [];
  const regionClasses: number[] = [];
  const boxes: number[] = [];
  items.forEach((item, itemIndex) => {
    const owners = new Map<number, RegionTarget>();
    for (const region of item.regions) {
      const cell = cellOf(region, gridSize);
      const owner = owners.get(cell);
      if (!owner || region.width * region.height > owner.width * owner.height) owners.set(cell, region);
    }
    for (const cell of [...owners.keys()].sort((a, b) => a - b)) {
      const region = owners.get(cell)!;
      const { centreX, centreY } = centreOf(region);
      const [column, row] = [cell % gridSize, Math.floor(cell / gridSize)];
      objectness[itemIndex * cells + cell] = 1;
      positiveCells.push(itemIndex * cells + cell);
      regionClasses.push(region.classIndex);
      boxes.push(logit(centreX * gridSize - column), logit(centreY * gridSize - row), logit(region.width), logit(region.height));
    }
  });
  return {
    objectness,
    positiveCells: Int32Array.from(positiveCells),
    regionClasses: Int32Array.from(regionClasses),
    boxes: Float64Array.from(boxes),
  };
}

function centreOf(region: RegionTarget): { centreX: number; centreY: number } {
  return { centreX: region.x + region.width / 2, centreY: region.y + region.height / 2 };
}

/** The cell index (row · G + column) whose square holds the box's centre; a centre on the far edge belongs to the last cell. */
export function cellOf(region: RegionTarget, gridSize: number): number {
  const { centreX, centreY } = centreOf(region);
  const column = Math.min(gridSize - 1, Math.max(0, Math.floor(centreX * gridSize)));
  const row = Math.min(gridSize - 1, Math.max(0, Math.floor(centreY * gridSize)));
  return row * gridSize + column;
}
