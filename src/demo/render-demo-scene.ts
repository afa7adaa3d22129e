import type { DemoBackground, DemoScene } from './build-demo-scene.js';
import type { Rgb } from './colors.js';
import { createPrng } from './prng.js';
import { shapeMask } from './shapes.js';

/** The scene's pixels: `size × size` RGB, row-major, 3 bytes a pixel. Pure and deterministic. */
export function renderDemoScene(scene: DemoScene): Uint8Array {
  const pixels = new Uint8Array(scene.size * scene.size * 3);
  drawBackground(pixels, scene.size, scene.background);
  for (const object of scene.objects) {
    const { cells } = shapeMask(object.shape, object.cell.size);
    const [r, g, b] = object.color;
    const side = object.cell.size;
    for (let cy = 0; cy < side; cy++) {
      let at = ((object.cell.y + cy) * scene.size + object.cell.x) * 3;
      for (let cx = 0; cx < side; cx++, at += 3) {
        if (cells[cy * side + cx] === 0) continue;
        pixels[at] = r;
        pixels[at + 1] = g;
        pixels[at + 2] = b;
      }
    }
  }
  return pixels;
}

function drawBackground(pixels: Uint8Array, size: number, background: DemoBackground): void {
  const tone = toneAt(size, background);
  const noise = createPrng(background.noiseSeed);
  for (let y = 0, at = 0; y < size; y++) {
    for (let x = 0; x < size; x++, at += 3) {
      const [r, g, b] = tone(x, y);
      // The same shift on all three channels keeps the tone near-grey (see BACKGROUND_MAX_SPREAD).
      const shift = background.noise === 0 ? 0 : Math.round((noise.next() * 2 - 1) * background.noise);
      pixels[at] = clampByte(r + shift);
      pixels[at + 1] = clampByte(g + shift);
      pixels[at + 2] = clampByte(b + shift);
    }
  }
}

function toneAt(size: number, background: DemoBackground): (x: number, y: number) => Rgb {
  switch (background.kind) {
    case 'noise':
      return () => background.from;
    case 'stripes': {
      const { from, to, period, direction } = background;
      const along = direction === 'horizontal' ? (_x: number, y: number) => y : direction === 'vertical' ? (x: number) => x : (x: number, y: number) => x + y;
      return (x, y) => (Math.floor(along(x, y) / period) % 2 === 0 ? from : to);
    }
    case 'gradient': {
      const { from, to } = background;
      const dx = Math.cos(background.angle);
      const dy = Math.sin(background.angle);
      const half = size / 2;
      const reach = ((Math.abs(dx) + Math.abs(dy)) * size) / 2;
      return (x, y) => {
        const t = ((x + 0.5 - half) * dx + (y + 0.5 - half) * dy + reach) / (2 * reach);
        return [lerp(from[0], to[0], t), lerp(from[1], to[1], t), lerp(from[2], to[2], t)];
      };
    }
  }
}

function lerp(a: number, b: number, t: number): number {
  return Math.round(a + (b - a) * t);
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}
