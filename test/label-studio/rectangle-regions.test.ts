import { describe, expect, it } from 'vitest';
import { rotatedEnvelope } from '../../src/label-studio/rectangle-regions.js';
import { annotation, box, normalized, task } from './task-builders.js';

function expectClose(actual: Record<string, number>, expected: Record<string, number>): void {
  for (const [key, value] of Object.entries(expected)) expect(actual[key], key).toBeCloseTo(value, 12);
}

describe('rotated boxes', () => {
  it('rotate clockwise about the top-left corner, in pixels: 90° on a 200 × 100 image', () => {
    // Pixels: corner (100, 10), width 40, height 30. Turned 90° clockwise (y down) it spans x 70–100, y 10–50.
    expectClose(rotatedEnvelope(50, 10, 20, 30, 90, { width: 200, height: 100 }), { x: 0.35, y: 0.1, width: 0.15, height: 0.4 });
  });

  it('would come out wrong if turned in percent space, which is why pixels are used', () => {
    const envelope = rotatedEnvelope(50, 10, 20, 30, 90, { width: 200, height: 100 });
    // In percent space the box would span 30% of the width (0.2–0.5), not 15%.
    expect(envelope.width).not.toBeCloseTo(0.3, 3);
  });

  it('are clipped to the image', () => {
    expectClose(rotatedEnvelope(10, 10, 20, 20, 180, { width: 100, height: 100 }), { x: 0, y: 0, width: 0.1, height: 0.1 });
  });

  it('have an envelope equal to the box at 0° and 360°', () => {
    expectClose(rotatedEnvelope(10, 20, 30, 40, 0, { width: 640, height: 480 }), { x: 0.1, y: 0.2, width: 0.3, height: 0.4 });
    const item = normalized(task({ annotations: [annotation({ result: [box({ rotation: 360 })] })] }));
    expect(item.regions).toEqual([{ label: 'circle', x: 0.1, y: 0.2, width: 0.3, height: 0.4, rotation: 360 }]);
  });

  it('keep their rotation as given and carry the envelope beside the box', () => {
    const item = normalized(task({ annotations: [annotation({ result: [box({ x: 50, y: 10, width: 20, height: 30, rotation: 90 })] })] }));
    const region = item.regions[0]!;
    expect(region).toMatchObject({ label: 'circle', x: 0.5, y: 0.1, width: 0.2, height: 0.3, rotation: 90 });
    expectClose(region.envelope!, { x: 0.35, y: 0.1, width: 0.15, height: 0.4 });
  });
});
