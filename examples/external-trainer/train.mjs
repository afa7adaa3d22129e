#!/usr/bin/env node
// An example external trainer for cairn (work-dir contract v1, docs/external-trainers.md).
//
// Features: the mean normalised colour of each cell of a `cells` × `cells` grid over the resized image.
// Model: a class-weighted multinomial logistic regression on those features, trained by full-batch
// gradient descent from zero weights, so the same data and config always give the same model.
// The ONNX graph computes the same features itself: image → AveragePool → Flatten → Gemm → Softmax.
//
// Needs only `sharp` and `onnx-proto` from npm; copy this file next to your registry/<model>/model.yaml.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import sharp from 'sharp';

const { onnx } = onnxProto;
const CONTRACT = 'ExternalTrainerConfig/v1';

function fail(message) {
  console.error(`train.mjs: ${message}`);
  process.exit(2);
}

async function readJsonl(path) {
  const text = await readFile(path, 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

/** Decodes as cairn does at serving time (EXIF orientation, no alpha, sRGB, stretched to size) and pools. */
async function features(file, input, cells) {
  const { data, info } = await sharp(file)
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .resize(input.width, input.height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const [bw, bh] = [input.width / cells, input.height / cells];
  const out = new Float64Array(3 * cells * cells);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < input.height; y++) {
      for (let x = 0; x < input.width; x++) {
        const value = (data[(y * input.width + x) * info.channels + c] / 255 - input.mean[c]) / input.std[c];
        out[c * cells * cells + Math.floor(y / bh) * cells + Math.floor(x / bw)] += value / (bw * bh);
      }
    }
  }
  return out;
}

async function featureRows(items, workDir, input, cells) {
  const cache = new Map();
  const rows = [];
  for (const item of items) {
    if (!cache.has(item.image.path)) cache.set(item.image.path, await features(join(workDir, item.image.path), input, cells));
    rows.push(cache.get(item.image.path));
  }
  return rows;
}

function softmax(logits) {
  const max = Math.max(...logits);
  const exp = logits.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

/** Weighted softmax regression on standardised features; returns weights folded back to raw features. */
function train(rows, targets, sampleWeights, classCount, { epochs, learningRate, l2 }, log) {
  const size = rows[0].length;
  const mu = new Float64Array(size);
  const sigma = new Float64Array(size);
  for (const row of rows) row.forEach((v, f) => (mu[f] += v / rows.length));
  for (const row of rows) row.forEach((v, f) => (sigma[f] += (v - mu[f]) ** 2 / rows.length));
  sigma.forEach((v, f) => (sigma[f] = Math.sqrt(v) > 1e-6 ? Math.sqrt(v) : 1));
  const x = rows.map((row) => row.map((v, f) => (v - mu[f]) / sigma[f]));
  const w = Array.from({ length: classCount }, () => new Float64Array(size));
  const b = new Float64Array(classCount);
  const total = sampleWeights.reduce((a, v) => a + v, 0);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const gw = Array.from({ length: classCount }, () => new Float64Array(size));
    const gb = new Float64Array(classCount);
    let loss = 0;
    x.forEach((row, i) => {
      const p = softmax(w.map((wk, k) => b[k] + wk.reduce((s, v, f) => s + v * row[f], 0)));
      loss -= (sampleWeights[i] * Math.log(Math.max(p[targets[i]], 1e-12))) / total;
      for (let k = 0; k < classCount; k++) {
        const g = (sampleWeights[i] * (p[k] - (k === targets[i] ? 1 : 0))) / total;
        gb[k] += g;
        for (let f = 0; f < size; f++) gw[k][f] += g * row[f];
      }
    });
    for (let k = 0; k < classCount; k++) {
      b[k] -= learningRate * gb[k];
      for (let f = 0; f < size; f++) w[k][f] -= learningRate * (gw[k][f] + l2 * w[k][f]);
    }
    if (epoch === 1 || epoch % 50 === 0 || epoch === epochs) log(`epoch ${epoch}/${epochs} loss ${loss.toFixed(4)}`);
  }
  // logits = w·((x − mu) / sigma) + b = (w / sigma)·x + (b − Σ w·mu / sigma)
  const weights = w.map((wk) => Array.from(wk, (v, f) => v / sigma[f]));
  const bias = Array.from(b, (bk, k) => bk - w[k].reduce((s, v, f) => s + (v * mu[f]) / sigma[f], 0));
  return { weights, bias };
}

function predict({ weights, bias }, row) {
  const logits = weights.map((wk, k) => bias[k] + wk.reduce((s, v, f) => s + v * row[f], 0));
  return logits.indexOf(Math.max(...logits));
}

function floats(name, dims, values) {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dataType: onnx.TensorProto.DataType.FLOAT, dims, rawData: raw };
}

function valueInfo(name, dims) {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}

/** cairn's model contract: input `image` [N,3,H,W], output `class_scores` [N,C], cairn.* metadata. */
function buildModel({ weights, bias }, { classes, input, cells }) {
  const { INT, INTS } = onnx.AttributeProto.AttributeType;
  const [kh, kw] = [input.height / cells, input.width / cells];
  const graph = {
    name: 'example-cell-colour-logistic',
    node: [
      { name: 'pooled', opType: 'AveragePool', input: ['image'], output: ['pooled'], attribute: [{ name: 'kernel_shape', type: INTS, ints: [kh, kw] }, { name: 'strides', type: INTS, ints: [kh, kw] }] },
      { name: 'features', opType: 'Flatten', input: ['pooled'], output: ['features'], attribute: [{ name: 'axis', type: INT, i: 1 }] },
      { name: 'logits', opType: 'Gemm', input: ['features', 'weights', 'bias'], output: ['logits'], attribute: [{ name: 'transB', type: INT, i: 1 }] },
      { name: 'class_scores', opType: 'Softmax', input: ['logits'], output: ['class_scores'], attribute: [{ name: 'axis', type: INT, i: 1 }] },
    ],
    initializer: [floats('weights', [classes.length, weights[0].length], weights.flat()), floats('bias', [classes.length], bias)],
    input: [valueInfo('image', ['N', 3, input.height, input.width])],
    output: [valueInfo('class_scores', ['N', classes.length])],
  };
  // Keys and value formats as cairn's src/model/model-metadata.ts. cairn.grid is required even without a
  // region head; a classification-only model writes 1 and declares no region classes.
  const metadata = [
    ['cairn.format_version', '1'],
    ['cairn.input_width', String(input.width)],
    ['cairn.input_height', String(input.height)],
    ['cairn.mean', JSON.stringify(input.mean)],
    ['cairn.std', JSON.stringify(input.std)],
    ['cairn.classes', JSON.stringify(classes)],
    ['cairn.region_classes', '[]'],
    ['cairn.grid', '1'],
    ['cairn.extractor', JSON.stringify({ cells, kind: 'example-cell-colour' })],
  ];
  const model = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'cairn-example-trainer',
    graph,
    metadataProps: metadata.map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

async function main() {
  const workDir = process.env.CAIRN_WORK_DIR ?? fail('CAIRN_WORK_DIR is not set: run me through cairn');
  const contract = JSON.parse(await readFile(process.env.CAIRN_CONFIG, 'utf8'));
  if (contract.schema !== CONTRACT) fail(`work dir contract ${contract.schema} is not ${CONTRACT}`);
  const settings = contract.config;
  const cells = settings.cells ?? 4;
  const size = settings.input_size;
  const input = { ...contract.input, ...(size ? { width: size, height: size } : {}) };
  if (input.width % cells !== 0 || input.height % cells !== 0) fail(`input ${input.width}×${input.height} is not divisible into ${cells} cells`);
  const hyper = { epochs: settings.epochs ?? 300, learningRate: settings.learning_rate ?? 0.5, l2: settings.l2 ?? 1e-4 };

  const classIndex = new Map(contract.classes.map((name, index) => [name, index]));
  // Items without an image-class label teach a classifier nothing.
  const trainItems = (await readJsonl(process.env.CAIRN_TRAIN)).filter((item) => item.label !== null && item.label.weight > 0);
  const valItems = (await readJsonl(process.env.CAIRN_VAL)).filter((item) => item.label !== null);
  if (trainItems.length === 0) fail('no labelled training items');
  console.log(`${contract.model}: ${trainItems.length} train, ${valItems.length} val items; input ${input.width}×${input.height}, ${cells}×${cells} cells`);

  const targets = trainItems.map((item) => classIndex.get(item.label.name));
  // Class weights: inverse class frequency (by label weight), so rare classes count as much as common ones.
  const perClass = new Float64Array(contract.classes.length);
  trainItems.forEach((item, i) => (perClass[targets[i]] += item.label.weight));
  const present = perClass.filter((v) => v > 0).length;
  const total = perClass.reduce((a, v) => a + v, 0);
  const sampleWeights = trainItems.map((item, i) => (item.label.weight * total) / (present * perClass[targets[i]]));

  const rows = await featureRows(trainItems, workDir, input, cells);
  const model = train(rows, targets, sampleWeights, contract.classes.length, hyper, (line) => console.log(line));
  const accuracy = (items, itemRows) => items.filter((item, i) => predict(model, itemRows[i]) === classIndex.get(item.label.name)).length / items.length;
  console.log(`train accuracy ${accuracy(trainItems, rows).toFixed(3)}`);
  if (valItems.length > 0) console.log(`val accuracy ${accuracy(valItems, await featureRows(valItems, workDir, input, cells)).toFixed(3)}`);

  const bytes = buildModel(model, { classes: contract.classes, input, cells });
  const target = join(process.env.CAIRN_OUTPUT, 'model.onnx');
  // Written whole, then renamed: cairn never sees half a model.
  await writeFile(`${target}.partial`, bytes);
  await rename(`${target}.partial`, target);
  console.log(`wrote ${target} (${bytes.length} bytes)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
