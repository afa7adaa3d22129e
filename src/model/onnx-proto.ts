// onnx-proto is CommonJS whose `onnx` export Node's ESM loader cannot detect: take it from the default export.
import onnxProto from 'onnx-proto';

/** The protobufjs classes of the ONNX schema (ModelProto, GraphProto, TensorProto, ...). */
export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** Element types used by cairn's graphs, as ONNX `TensorProto.DataType` values. */
export const ElementType = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElementType = (typeof ElementType)[keyof typeof ElementType];
