/** The object classes the demo draws; each is both an image class and a region class. */
export const DEMO_SHAPES = ['circle', 'square', 'triangle', 'ring', 'cross'] as const;
export type DemoShape = (typeof DEMO_SHAPES)[number];

/** Which pixels of a `size`×`size` cell a shape covers, row-major, 1 = covered. */
export interface ShapeMask {
  size: number;
  cells: Uint8Array;
  /** The covered pixels' extent inside the cell: exactly what the region box must be. */
  extent: { x: number; y: number; width: number; height: number };
}

const masks = new Map<string, ShapeMask>();

/** The mask of `shape` drawn in a `size`×`size` cell (memoised: masks are pure and small). */
export function shapeMask(shape: DemoShape, size: number): ShapeMask {
  const key = `${shape}:${size}`;
  let mask = masks.get(key);
  if (!mask) {
    mask = buildMask(shape, size);
    masks.set(key, mask);
  }
  return mask;
}

function buildMask(shape: DemoShape, size: number): ShapeMask {
  const cells = new Uint8Array(size * size);
  const inside = COVERS[shape];
  let minX = size;
  let minY = size;
  let maxX = -1;
  let maxY = -1;
  for (let py = 0; py < size; py++) {
    // Sample at pixel centres, in cell coordinates scaled to [-1, 1].
    const v = ((py + 0.5) * 2) / size - 1;
    for (let px = 0; px < size; px++) {
      const u = ((px + 0.5) * 2) / size - 1;
      if (!inside(u, v)) continue;
      cells[py * size + px] = 1;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
    }
  }
  if (maxX < 0) throw new RangeError(`a ${shape} of ${size} px covers no pixel`);
  return { size, cells, extent: { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 } };
}

const RING_INNER = 0.6;
const CROSS_HALF_BAR = 1 / 3;

const COVERS: Record<DemoShape, (u: number, v: number) => boolean> = {
  circle: (u, v) => u * u + v * v <= 1,
  square: () => true,
  // Apex at the top centre, base along the bottom edge.
  triangle: (u, v) => Math.abs(u) <= (v + 1) / 2,
  ring: (u, v) => {
    const r2 = u * u + v * v;
    return r2 <= 1 && r2 >= RING_INNER * RING_INNER;
  },
  cross: (u, v) => Math.abs(u) <= CROSS_HALF_BAR || Math.abs(v) <= CROSS_HALF_BAR,
};
