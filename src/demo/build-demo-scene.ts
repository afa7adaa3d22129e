import { pickBackgroundTone, pickObjectColor, type Rgb } from './colors.js';
import { createPrng, mixSeed, type Prng } from './prng.js';
import { shapeMask, type DemoShape } from './shapes.js';

/** Pixel rectangle: columns `x … x + width − 1`, rows `y … y + height − 1`. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One drawn object: its class, fill colour, the square cell it is drawn in, and its exact pixel extent. */
export interface DemoObject {
  shape: DemoShape;
  color: Rgb;
  cell: { x: number; y: number; size: number };
  box: PixelBox;
}

/** How the background is painted: near-grey tones (see `BACKGROUND_MAX_SPREAD`) plus luminance noise. */
export type DemoBackground =
  | { kind: 'gradient'; from: Rgb; to: Rgb; angle: number; noise: number; noiseSeed: number }
  | { kind: 'stripes'; from: Rgb; to: Rgb; direction: 'horizontal' | 'vertical' | 'diagonal'; period: number; noise: number; noiseSeed: number }
  | { kind: 'noise'; from: Rgb; noise: number; noiseSeed: number };

/**
 * The layout of one demo image, without its pixels. `label` is the image-level class: the class of
 * the object with the largest box area (the first drawn wins a tie). The first object is drawn
 * larger than the others, so it is in practice always that object.
 */
export interface DemoScene {
  index: number;
  size: number;
  background: DemoBackground;
  objects: DemoObject[];
  label: DemoShape;
}

/** What {@link buildDemoScene} needs: the dataset seed, the image side and the classes to draw. */
export interface DemoSceneOptions {
  seed: number;
  imageSize: number;
  classes: readonly DemoShape[];
  /** Relative frequency of each image-level class; absent classes weigh 1. */
  classWeights?: Partial<Record<DemoShape, number>>;
}

const STREAM_LAYOUT = 1;
const STREAM_NOISE = 2;
const PLACEMENT_ATTEMPTS = 40;

/** Lays out image `index` of the demo dataset. Pure: the same seed, index and options give the same scene. */
export function buildDemoScene(index: number, options: DemoSceneOptions): DemoScene {
  const size = options.imageSize;
  const prng = createPrng(mixSeed(options.seed, STREAM_LAYOUT, index));
  const background = pickBackground(prng, size, mixSeed(options.seed, STREAM_NOISE, index));

  const weights = options.classes.map((name) => options.classWeights?.[name] ?? 1);
  const primary = prng.pickWeighted(options.classes, weights);
  const minSide = Math.max(8, Math.round(size * 0.14));
  const primarySide = prng.int(Math.max(minSide, Math.round(size * 0.3)), Math.max(minSide, Math.round(size * 0.55)));
  const objectCount = prng.int(1, 3);

  const objects: DemoObject[] = [];
  for (let i = 0; i < objectCount; i++) {
    const shape = i === 0 ? primary : prng.pick(options.classes);
    const side = i === 0 ? primarySide : prng.int(minSide, Math.max(minSide, Math.floor(primarySide * 0.75)));
    const cell = placeCell(prng, size, side, objects);
    if (!cell) continue;
    const { extent } = shapeMask(shape, side);
    const box = { x: cell.x + extent.x, y: cell.y + extent.y, width: extent.width, height: extent.height };
    objects.push({ shape, color: pickObjectColor(prng), cell, box });
  }
  return { index, size, background, objects, label: largestObject(objects).shape };
}

/** A free square cell for a new object, kept one pixel clear of every other cell so that no object hides another. */
function placeCell(prng: Prng, size: number, side: number, placed: readonly DemoObject[]): DemoObject['cell'] | undefined {
  if (side > size) return undefined;
  for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
    const x = prng.int(0, size - side);
    const y = prng.int(0, size - side);
    const clear = placed.every(({ cell }) => x + side < cell.x || cell.x + cell.size < x || y + side < cell.y || cell.y + cell.size < y);
    if (clear) return { x, y, size: side };
  }
  return undefined;
}

function largestObject(objects: readonly DemoObject[]): DemoObject {
  const [first, ...rest] = objects;
  if (!first) throw new RangeError('a demo scene has at least one object');
  return rest.reduce((best, o) => (o.box.width * o.box.height > best.box.width * best.box.height ? o : best), first);
}

function pickBackground(prng: Prng, size: number, noiseSeed: number): DemoBackground {
  const kind = prng.pick(['gradient', 'stripes', 'noise'] as const);
  const from = pickBackgroundTone(prng);
  switch (kind) {
    case 'gradient':
      return { kind, from, to: pickBackgroundTone(prng), angle: prng.float(0, 2 * Math.PI), noise: prng.int(0, 8), noiseSeed };
    case 'stripes': {
      const direction = prng.pick(['horizontal', 'vertical', 'diagonal'] as const);
      const period = prng.int(2, Math.max(3, Math.round(size / 8)));
      return { kind, from, to: pickBackgroundTone(prng), direction, period, noise: prng.int(0, 8), noiseSeed };
    }
    case 'noise':
      return { kind, from, noise: prng.int(12, 36), noiseSeed };
  }
}
