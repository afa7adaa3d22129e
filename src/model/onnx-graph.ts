/**
 * cairn's built-in multi-head model as one ONNX graph (opset 17, IR 8):
 *
 *   image [N, 3, S, S] ─ fixed extractor ─┬─ image_features ─ Gemm ─ Softmax ─────────── class_scores [N, C]
 *                                         └─ grid_features ─ 3×3 grid head ─ decode ─ NMS ─ boxes [N, K, 4]
 *                                                                                          box_scores [N, K]
 *                                                                                          box_labels [N, K]
 *
 * A model without image classes has no class head and no `class_scores`; one without region classes
 * has no grid head and no box outputs (a classification-only model).
 *
 * Serialisation is deterministic: nodes, initialisers and metadata are written in a fixed order, with
 * no timestamps, so the same spec always gives the same bytes (and the same sha256).
 */
import { addCellRowNodes, addExtractorNodes, featureOutputSpecs, imageInputSpec } from './extractor-graph.js';
import { buildExtractorWeights, type ExtractorSpec, type InputNormalisation } from './feature-extractor.js';
import { GraphBuilder, encodeModel, type ValueSpec } from './graph-builder.js';
import { CLASS_SCORES, addClassHead, addGridHead } from './heads-graph.js';
import { MODEL_FORMAT_VERSION, buildMetadataEntries } from './model-metadata.js';
import { assertModelSpec, type ModelSpec } from './model-spec.js';
import { BOX_OUTPUTS, addBoxPostprocess, boxOutputSpecs } from './nms-graph.js';
import { ElementType } from './onnx-proto.js';

/** Names of the full model's outputs, in output order (a model without a head lacks its outputs). */
export const MODEL_OUTPUTS = [CLASS_SCORES, BOX_OUTPUTS.boxes, BOX_OUTPUTS.scores, BOX_OUTPUTS.labels] as const;

/** The `cairn.extractor` metadata of the built-in extractor. */
export const BUILT_IN_EXTRACTOR_KIND = 'random-conv-v3';

/** Builds the serialised ONNX ModelProto of the full model. Throws `InputError` for an invalid spec. */
export function buildModelGraph(spec: ModelSpec): Uint8Array {
  const weights = buildExtractorWeights(spec.extractor);
  assertModelSpec(spec, weights.imageFeatureSize, weights.cellFeatureSize);
  const graph = new GraphBuilder();
  addExtractorNodes(graph, weights, spec);
  const outputs: ValueSpec[] = [];
  if (spec.classHead) {
    addClassHead(graph, spec, spec.classHead, weights.imageFeatureSize);
    outputs.push({ name: CLASS_SCORES, type: ElementType.float, dims: ['N', spec.classes.length] });
  }
  if (spec.gridHead) {
    const cells = addGridHead(graph, spec, spec.gridHead, weights.cellFeatureSize, weights.gridSize);
    addBoxPostprocess(graph, cells, spec.postprocess);
    outputs.push(...boxOutputSpecs(spec.postprocess.maxBoxes));
  }
  const proto = graph.buildGraph('cairn-multi-head', [imageInputSpec(spec.extractor.inputSize)], outputs);
  const metadata = buildMetadataEntries({
    formatVersion: MODEL_FORMAT_VERSION,
    inputWidth: spec.extractor.inputSize,
    inputHeight: spec.extractor.inputSize,
    mean: spec.mean,
    std: spec.std,
    classes: spec.classes,
    regionClasses: spec.regionClasses,
    grid: weights.gridSize,
    maxBoxes: spec.postprocess.maxBoxes,
    extractor: { kind: BUILT_IN_EXTRACTOR_KIND, seed: spec.extractor.seed },
  });
  return encodeModel(proto, metadata);
}

/**
 * Builds the serialised ONNX model of the extractor alone, for inputs normalised with `normalisation`: input `image`, outputs `image_features`
 * [N, 2816] and `cell_features` [N, G·G, 128], the grid map as rows. Its nodes are the full model's, so
 * its features are the ones the heads see. It carries no metadata: it is a tool for training, never a registry model.
 */
export function buildExtractorGraph(spec: ExtractorSpec, normalisation: InputNormalisation): Uint8Array {
  const weights = buildExtractorWeights(spec);
  const graph = new GraphBuilder();
  addExtractorNodes(graph, weights, normalisation);
  addCellRowNodes(graph, weights);
  const proto = graph.buildGraph('cairn-feature-extractor', [imageInputSpec(spec.inputSize)], featureOutputSpecs(weights));
  return encodeModel(proto, []);
}
