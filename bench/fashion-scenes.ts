// The Fashion-MNIST benchmark's images: the IDX photos as they are, and the regions set composed from
// them (noisy 128 px canvases with 1–4 photos pasted at 16–56 px, each with its tight box).
import { join } from 'node:path';
import sharp from 'sharp';
import type { Prng } from '../src/model/prng.js';

/** Side of a Fashion-MNIST photo, in pixels. */
export const SIDE = 28;
/** Side of a composed regions canvas, in pixels. */
export const CANVAS = 128;

export interface Idx {
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** One image to export: its file, split, image class and boxes in pixels of a side×side image. */
export interface Scene {
  split: 'train' | 'test';
  image: string;
  side: number;
  label: number;
  boxes: Array<{ label: number; x: number; y: number; width: number; height: number }>;
}

/** Canvases of a noisy flat, gradient or striped background with 1–4 photos pasted at 16–56 px. */
export async function composeScenes(dir: string, split: 'train' | 'test', source: Idx, count: number, prng: Prng): Promise<Scene[]> {
  const scenes: Scene[] = [];
  const sourceCount = source.labels.length;
  for (let n = 0; n < count; n++) {
    const canvas = paintBackground(prng);
    const boxes: Scene['boxes'] = [];
    const items = 1 + (prng.nextUint32() % 4);
    for (let attempt = 0; boxes.length < items && attempt < 40; attempt++) {
      const size = 16 + (prng.nextUint32() % 41);
      const [x0, y0] = [prng.nextUint32() % (CANVAS - size + 1), prng.nextUint32() % (CANVAS - size + 1)];
      const index = prng.nextUint32() % sourceCount;
      const box = paste(canvas, source.pixels.subarray(index * SIDE * SIDE, (index + 1) * SIDE * SIDE), x0, y0, size, boxes, prng);
      if (box) boxes.push({ label: source.labels[index]!, ...box });
    }
    const largest = boxes.reduce((best, box) => (box.width * box.height > best.width * best.height ? box : best));
    const image = `${split}-${n}.png`;
    await sharp(canvas, { raw: { width: CANVAS, height: CANVAS, channels: 1 } }).toColourspace('b-w').png().toFile(join(dir, image));
    scenes.push({ split, image, side: CANVAS, label: largest.label, boxes });
  }
  return scenes;
}

function paintBackground(prng: Prng): Uint8Array {
  const canvas = new Uint8Array(CANVAS * CANVAS);
  const [from, to] = [prng.nextUniform(30, 225), prng.nextUniform(30, 225)];
  const kind = prng.nextUint32() % 3;
  const period = 6 + (prng.nextUint32() % 20);
  const noise = prng.nextUniform(4, 30);
  for (let y = 0; y < CANVAS; y++) {
    for (let x = 0; x < CANVAS; x++) {
      const t = kind === 0 ? 0 : kind === 1 ? (x + y) / (2 * CANVAS) : Math.floor((x + y) / period) % 2;
      canvas[y * CANVAS + x] = clampByte(from + (to - from) * t + prng.nextUniform(-noise, noise));
    }
  }
  return canvas;
}

/**
 * Pastes a 28×28 photo scaled to size×size at (x0, y0), its brightness as the ink's opacity, the ink
 * contrasting with the background there. Returns the tight box of its visible pixels, or null when it
 * would hide more than a fifth of an earlier item or shows under 4 px.
 */
function paste(canvas: Uint8Array, photo: Uint8Array, x0: number, y0: number, size: number, placed: Scene['boxes'], prng: Prng) {
  if (placed.some((box) => overlap(box, { x: x0, y: y0, width: size, height: size }) > 0.2 * box.width * box.height)) return null;
  let [minX, minY, maxX, maxY] = [CANVAS, CANVAS, -1, -1];
  const local = canvas[(y0 + size / 2) * CANVAS + x0 + size / 2] ?? 128;
  const ink = local > 128 ? prng.nextUniform(0, 50) : prng.nextUniform(205, 255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const alpha = sampleBilinear(photo, ((x + 0.5) * SIDE) / size - 0.5, ((y + 0.5) * SIDE) / size - 0.5) / 255;
      if (alpha < 0.1) continue;
      const at = (y0 + y) * CANVAS + x0 + x;
      canvas[at] = clampByte(canvas[at]! + (ink - canvas[at]!) * alpha);
      [minX, minY, maxX, maxY] = [Math.min(minX, x0 + x), Math.min(minY, y0 + y), Math.max(maxX, x0 + x), Math.max(maxY, y0 + y)];
    }
  }
  if (maxX - minX < 3 || maxY - minY < 3) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

function overlap(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

function sampleBilinear(photo: Uint8Array, x: number, y: number): number {
  const at = (px: number, py: number) => photo[Math.min(SIDE - 1, Math.max(0, py)) * SIDE + Math.min(SIDE - 1, Math.max(0, px))]!;
  const [x1, y1] = [Math.floor(x), Math.floor(y)];
  const [fx, fy] = [x - x1, y - y1];
  const top = at(x1, y1) * (1 - fx) + at(x1 + 1, y1) * fx;
  const bottom = at(x1, y1 + 1) * (1 - fx) + at(x1 + 1, y1 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

const clampByte = (value: number): number => Math.max(0, Math.min(255, Math.round(value)));
