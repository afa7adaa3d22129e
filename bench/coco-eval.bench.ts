// COCO bbox evaluation on a synthetic set the size of a real validation run: 5,000 images with
// ~5 ground-truth boxes each and 25,000 detections over 20 classes (1/10 of that when quick).
// pycocotools takes about 5 s on this size; the target is under 1 s.
import { performance } from 'node:perf_hooks';
import { evaluateCocoBoxes, type CocoAnnotation, type CocoDetection, type CocoGroundTruth } from '../src/metrics/coco-eval.js';
import type { Bench } from './types.js';
import { createPrng } from '../src/demo/prng.js';

export const bench: Bench = async ({ quick }) => {
  const scale = quick ? 10 : 1;
  const { groundTruth, detections } = generateCocoSet(5000 / scale, 25_000 / scale, 20, 42);
  const rounds = quick ? 1 : 5;
  evaluateCocoBoxes(groundTruth, detections);
  const times: number[] = [];
  let ap = 0;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    ap = evaluateCocoBoxes(groundTruth, detections).stats.AP;
    times.push((performance.now() - start) / 1000);
  }
  const seconds = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  const sizes = `${groundTruth.images.length} images, ${groundTruth.annotations.length} boxes, ${detections.length} detections, 20 classes`;
  return {
    name: 'coco-eval',
    figures: [{ label: `evaluateCocoBoxes (${sizes}, median)`, value: seconds, unit: 's', ...(quick ? {} : { target: '< 1', ok: seconds < 1 }) }],
    notes: [`median of ${rounds} run(s) after one warm-up; AP of the synthetic set ${ap.toFixed(4)}`, 'data from a seeded mulberry32 stream'],
  };
};

function generateCocoSet(imageCount: number, detectionCount: number, classes: number, seed: number) {
  const prng = createPrng(seed);
  const random = () => prng.next();
  const images = Array.from({ length: imageCount }, (_, i) => ({ id: i + 1, width: 1024, height: 768 }));
  const annotations: CocoAnnotation[] = [];
  for (const image of images) {
    const count = 3 + Math.floor(random() * 5);
    for (let j = 0; j < count; j++) {
      const w = 8 + random() * 300;
      const h = 8 + random() * 300;
      const bbox = [random() * (1024 - w), random() * (768 - h), w, h];
      annotations.push({ id: annotations.length + 1, image_id: image.id, category_id: 1 + Math.floor(random() * classes), bbox, area: w * h, iscrowd: random() < 0.01 ? 1 : 0 });
    }
  }
  const detections: CocoDetection[] = [];
  while (detections.length < detectionCount) {
    const source = annotations[Math.floor(random() * annotations.length)]!;
    const [x, y, w, h] = source.bbox as [number, number, number, number];
    const hit = random() < 0.7;
    detections.push({
      image_id: hit ? source.image_id : 1 + Math.floor(random() * imageCount),
      category_id: random() < 0.9 ? source.category_id : 1 + Math.floor(random() * classes),
      bbox: [x + (random() - 0.5) * 0.3 * w, y + (random() - 0.5) * 0.3 * h, w * (0.8 + random() * 0.4), h * (0.8 + random() * 0.4)],
      score: Math.round(random() * 1000) / 1000,
    });
  }
  const groundTruth: CocoGroundTruth = { images, annotations, categories: Array.from({ length: classes }, (_, k) => ({ id: k + 1, name: `class_${k}` })) };
  return { groundTruth, detections };
}
