import { describe, expect, it } from 'vitest';
import { buildGridTargets, cellOf } from '../../src/train/grid-targets.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('buildGridTargets', () => {
  it('marks the cell holding each box centre, with targets that decode back to the box', () => {
    // G = 4: the centre (0.6, 0.3) lies in column 2, row 1, at offsets (0.4, 0.2) within the cell.
    const targets = buildGridTargets([{ regions: [] }, { regions: [{ classIndex: 1, x: 0.5, y: 0.2, width: 0.2, height: 0.2 }] }], 4);
    expect(targets.objectness).toHaveLength(32);
    expect(Array.from(targets.objectness).flatMap((y, i) => (y ? [i] : []))).toEqual([16 + 6]);
    expect(Array.from(targets.positiveCells)).toEqual([22]);
    expect(Array.from(targets.regionClasses)).toEqual([1]);
    const [tx, ty, tw, th] = Array.from(targets.boxes);
    expect([(2 + sigmoid(tx!)) / 4, (1 + sigmoid(ty!)) / 4, sigmoid(tw!), sigmoid(th!)].map((v) => v.toFixed(12))).toEqual(
      [0.6, 0.3, 0.2, 0.2].map((v) => v.toFixed(12)),
    );
  });

  it('gives a shared cell to the largest box, the first one on a tie', () => {
    const small = { classIndex: 0, x: 0.05, y: 0.05, width: 0.1, height: 0.1 };
    const large = { classIndex: 1, x: 0, y: 0, width: 0.2, height: 0.2 };
    const twin = { ...large, classIndex: 2 };
    expect(Array.from(buildGridTargets([{ regions: [small, large, twin] }], 2).regionClasses)).toEqual([1]);
    expect(Array.from(buildGridTargets([{ regions: [twin, small, large] }], 2).regionClasses)).toEqual([2]);
  });

  it('lists positive cells item by item in cell order, whatever the order of the boxes', () => {
    const box = (x: number, y: number) => ({ classIndex: 0, x, y, width: 0.1, height: 0.1 });
    const targets = buildGridTargets([{ regions: [box(0.8, 0.8), box(0, 0)] }, { regions: [box(0.5, 0)] }], 2);
    expect(Array.from(targets.positiveCells)).toEqual([0, 3, 5]);
  });

  it('clamps targets at cell and image edges to finite logits of at most logit(0.99)', () => {
    const targets = buildGridTargets([{ regions: [{ classIndex: 0, x: 0, y: 0, width: 1, height: 1 }] }], 2);
    // The centre (0.5, 0.5) lies on the corner of four cells: it belongs to the cell right and below.
    expect(Array.from(targets.positiveCells)).toEqual([3]);
    const bound = Math.log(0.99 / 0.01);
    expect(Array.from(targets.boxes).map((v) => v.toFixed(10))).toEqual([-bound, -bound, bound, bound].map((v) => v.toFixed(10)));
  });
});

describe('cellOf', () => {
  it('puts a centre on the far image edge into the last cell', () => {
    expect(cellOf({ classIndex: 0, x: 0.9, y: 0.9, width: 0.2, height: 0.2 }, 8)).toBe(63);
  });
});
