import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, encodeModel } from '../../src/model/graph-builder.js';
import type { CellOutputs } from '../../src/model/heads-graph.js';
import type { BoxPostprocess } from '../../src/model/model-spec.js';
import { BOX_OUTPUTS, addBoxPostprocess, boxOutputSpecs } from '../../src/model/nms-graph.js';
import { ElementType } from '../../src/model/onnx-proto.js';
import { selectBoxes } from '../../src/model/reference-nms.js';

// The postprocessing alone, fed hand-made cells: [N, M, 1] scores, [N, M] labels, [N, M, 4] boxes and corners.
const CELLS: CellOutputs = { scores: 'scores', labels: 'labels', boxes: 'boxes_in', corners: 'corners' };

async function postprocess(options: BoxPostprocess, images: ReadonlyArray<ReadonlyArray<{ box: number[]; score: number; label: number }>>) {
  const graph = new GraphBuilder();
  addBoxPostprocess(graph, CELLS, options);
  const float = ElementType.float;
  const proto = graph.buildGraph(
    'nms-only',
    [
      { name: CELLS.scores, type: float, dims: ['N', 'M', 1] },
      { name: CELLS.labels, type: ElementType.int64, dims: ['N', 'M'] },
      { name: CELLS.boxes, type: float, dims: ['N', 'M', 4] },
      { name: CELLS.corners, type: float, dims: ['N', 'M', 4] },
    ],
    boxOutputSpecs(options.maxBoxes),
  );
  const session = await ort.InferenceSession.create(encodeModel(proto, []));
  const [n, m] = [images.length, images[0]!.length];
  const cells = images.flat();
  const feeds = {
    [CELLS.scores]: new ort.Tensor('float32', Float32Array.from(cells, (c) => c.score), [n, m, 1]),
    [CELLS.labels]: new ort.Tensor('int64', BigInt64Array.from(cells, (c) => BigInt(c.label)), [n, m]),
    [CELLS.boxes]: new ort.Tensor('float32', Float32Array.from(cells.flatMap((c) => c.box)), [n, m, 4]),
    [CELLS.corners]: new ort.Tensor('float32', Float32Array.from(cells.flatMap(({ box: [x, y, w, h] }) => [x!, y!, x! + w!, y! + h!])), [n, m, 4]),
  };
  try {
    const out = await session.run(feeds);
    return images.map((_, image) => {
      const k = options.maxBoxes;
      return {
        scores: Array.from((out[BOX_OUTPUTS.scores]!.data as Float32Array).subarray(image * k, (image + 1) * k)),
        labels: Array.from((out[BOX_OUTPUTS.labels]!.data as BigInt64Array).subarray(image * k, (image + 1) * k), Number),
        boxes: Array.from((out[BOX_OUTPUTS.boxes]!.data as Float32Array).subarray(image * k * 4, (image + 1) * k * 4)),
      };
    });
  } finally {
    await session.release();
  }
}

const f = Math.fround;
const scene = [
  { box: [0.1, 0.1, 0.4, 0.4], score: 0.9, label: 0 },
  { box: [0.12, 0.1, 0.4, 0.4], score: 0.8, label: 0 }, // a duplicate of the first
  { box: [0.1, 0.12, 0.4, 0.4], score: 0.7, label: 1 }, // overlaps the first, other class
  { box: [0.6, 0.6, 0.3, 0.3], score: 0.6, label: 0 },
  { box: [0.6, 0.1, 0.2, 0.2], score: 0.05, label: 1 }, // below the score threshold
];
const empty = scene.map((cell) => ({ ...cell, score: 0.01 }));
const padding = { score: 0, label: -1, box: [0, 0, 0, 0] };

function rows(...picked: Array<{ box: number[]; score: number; label: number }>) {
  const all = [...picked, ...new Array(4 - picked.length).fill(padding)];
  return { scores: all.map((c) => f(c.score)), labels: all.map((c) => c.label), boxes: all.flatMap((c) => c.box.map(f)) };
}

describe('box postprocessing in the graph', () => {
  const options: BoxPostprocess = { iouThreshold: 0.5, scoreThreshold: 0.1, maxBoxes: 4 };

  it('drops a duplicate of the same class, keeps an overlapping box of another class, and pads', async () => {
    const [image] = await postprocess(options, [scene]);
    expect(image).toEqual(rows(scene[0]!, scene[2]!, scene[3]!));
  });

  it('lets classes suppress each other when class-agnostic', async () => {
    const [image] = await postprocess({ ...options, classAgnostic: true }, [scene]);
    expect(image).toEqual(rows(scene[0]!, scene[3]!));
  });

  it('keeps at most K boxes, the highest scores', async () => {
    const [image] = await postprocess({ ...options, maxBoxes: 1 }, [scene]);
    expect(image).toEqual({ scores: [f(0.9)], labels: [0], boxes: scene[0]!.box.map(f) });
  });

  it('handles each image of a batch on its own, including one with no box and a batch with none', async () => {
    expect(await postprocess(options, [empty, scene])).toEqual([rows(), rows(scene[0]!, scene[2]!, scene[3]!)]);
    expect(await postprocess(options, [empty])).toEqual([rows()]);
  });

  it('agrees with the TypeScript reference', async () => {
    for (const classAgnostic of [false, true]) {
      const [image] = await postprocess({ ...options, classAgnostic }, [scene]);
      const reference = selectBoxes(
        { scores: scene.map((c) => f(c.score)), labels: scene.map((c) => c.label), boxes: scene.flatMap((c) => c.box.map(f)) },
        { ...options, classAgnostic },
      );
      expect(image).toEqual({ scores: Array.from(reference.scores), labels: Array.from(reference.labels), boxes: Array.from(reference.boxes) });
    }
  });
});
