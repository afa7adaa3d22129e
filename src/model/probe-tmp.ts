import onnxProto from 'onnx-proto';
const { onnx } = onnxProto;
console.log(typeof onnx.ModelProto.encode, onnx.TensorProto.DataType.INT64, onnx.AttributeProto.AttributeType.INTS);
