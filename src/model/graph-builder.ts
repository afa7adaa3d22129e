import { ElementType, onnx, type OnnxTypes } from './onnx-proto.js';

/** A node attribute: an int, a list of ints, a float, or a one-element float tensor (`fill`, for ConstantOfShape). */
export type AttributeValue = number | readonly number[] | { float: number } | { fill: number };

/** A graph input or output: a name, an element type and dims (a string is a symbolic dim such as 'N'). */
export interface ValueSpec {
  name: string;
  type: ElementType;
  dims: ReadonlyArray<number | string>;
}

/** The ONNX version pair cairn writes: opset 17 needs IR version 8 (ONNX 1.12). */
export const OPSET_VERSION = 17;
export const IR_VERSION = 8;

function float32Bytes(values: ArrayLike<number>): Uint8Array {
  // Raw data is little-endian by the ONNX spec; DataView makes that hold on any host.
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

function int64Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true);
  return bytes;
}

function tensor(name: string, type: ElementType, dims: readonly number[], rawData: Uint8Array): OnnxTypes.ITensorProto {
  return { name, dataType: type, dims: [...dims], rawData };
}

// Not `'fill' in value`: arrays have a `fill` method, so that test is true for them too.
function isIntList(value: AttributeValue): value is readonly number[] {
  return Array.isArray(value);
}

function attribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (isIntList(value)) return { name, type: AttributeType.INTS, ints: [...value] };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.TENSOR, t: tensor('', ElementType.float, [1], float32Bytes([value.fill])) };
}

function valueInfo({ name, type, dims }: ValueSpec): OnnxTypes.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: type, shape: { dim } } } };
}

function assertHolds(name: string, dims: readonly number[], length: number): void {
  if (dims.reduce((a, b) => a * b, 1) !== length) throw new Error(`${name}: dims [${dims.join(', ')}] do not hold ${length} values`);
}

/**
 * Accumulates the nodes and initialisers of one ONNX graph in insertion order, so the same calls always
 * serialise to the same bytes. Names must be unique; each node is named after its first output.
 */
export class GraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly names = new Set<string>();

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`graph name used twice: ${name}`);
    this.names.add(name);
    return name;
  }

  /** Adds a float32 initialiser and returns its name. */
  floats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    assertHolds(name, dims, values.length);
    this.initializers.push(tensor(this.claim(name), ElementType.float, dims, float32Bytes(values)));
    return name;
  }

  /** Adds an int64 initialiser and returns its name. */
  ints(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    assertHolds(name, dims, values.length);
    this.initializers.push(tensor(this.claim(name), ElementType.int64, dims, int64Bytes(values)));
    return name;
  }

  /** Adds a node and returns the name of its (first) output. */
  node(opType: string, inputs: readonly string[], output: string | readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    const outputs = typeof output === 'string' ? [output] : [...output];
    outputs.forEach((name) => this.claim(name));
    this.nodes.push({
      name: outputs[0],
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputs[0]!;
  }

  /** The finished graph. */
  buildGraph(name: string, inputs: readonly ValueSpec[], outputs: readonly ValueSpec[]): OnnxTypes.IGraphProto {
    return {
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: inputs.map(valueInfo),
      output: outputs.map(valueInfo),
    };
  }
}

/** Serialises a graph into a ModelProto (opset 17, IR 8) with the given metadata, in the given order. */
export function encodeModel(graph: OnnxTypes.IGraphProto, metadata: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const model: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'cairn',
    graph,
    metadataProps: metadata.map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
