import { readFile } from 'node:fs/promises';
import { InputError, NotFoundError, UnknownVersionError } from '../errors.js';
import { METADATA_KEYS, MODEL_FORMAT_VERSION, type ModelMetadata } from './model-metadata.js';
import { onnx, type OnnxTypes } from './onnx-proto.js';

type Props = ReadonlyMap<string, string>;

function decodeModel(bytes: Uint8Array, file: string): OnnxTypes.ModelProto {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new InputError(`${file} is not an ONNX model: ${(cause as Error).message}`, { file, rule: 'onnx-model' }, { cause });
  }
  // Protobuf decodes many byte strings without complaint; a model must at least declare an IR version, an opset and a graph.
  if (!model.graph || Number(model.irVersion) <= 0 || model.opsetImport.length === 0) {
    throw new InputError(`${file} is not an ONNX model (no IR version, opset or graph)`, { file, rule: 'onnx-model' });
  }
  return model;
}

function readProps(model: OnnxTypes.ModelProto, file: string): Props {
  const props = new Map<string, string>();
  for (const entry of model.metadataProps) {
    const [key, value] = [entry.key ?? '', entry.value ?? ''];
    if (props.has(key)) throw new InputError(`${file}: metadata key ${key} appears twice`, { file, rule: 'cairn-metadata', key });
    props.set(key, value);
  }
  return props;
}

function required(props: Props, key: string, file: string): string {
  const value = props.get(key);
  if (value === undefined) throw new InputError(`${file}: metadata ${key} is missing`, { file, rule: 'cairn-metadata', key });
  return value;
}

function invalid(key: string, file: string, expected: string, value: string): never {
  throw new InputError(`${file}: metadata ${key} must be ${expected}, got ${JSON.stringify(value)}`, {
    file,
    rule: 'cairn-metadata',
    key,
    value,
  });
}

function positiveInteger(value: string, key: string, file: string): number {
  const number = Number(value);
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(number)) invalid(key, file, 'a positive integer', value);
  return number;
}

function json(value: string, key: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return invalid(key, file, expected, value);
  }
}

function channelStats(value: string, key: string, file: string, positive: boolean): number[] {
  const expected = `a JSON array of 3 finite${positive ? ' positive' : ''} numbers`;
  const parsed = json(value, key, file, expected);
  const ok = (item: unknown): item is number => typeof item === 'number' && Number.isFinite(item) && (!positive || item > 0);
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every(ok)) invalid(key, file, expected, value);
  return parsed as number[];
}

function names(value: string, key: string, file: string, allowEmpty: boolean): string[] {
  const expected = `a JSON array of ${allowEmpty ? '' : 'at least one '}distinct non-empty strings`;
  const parsed = json(value, key, file, expected);
  const ok = (item: unknown): item is string => typeof item === 'string' && item.length > 0;
  if (!Array.isArray(parsed) || !parsed.every(ok) || new Set(parsed).size !== parsed.length || (!allowEmpty && parsed.length === 0)) {
    invalid(key, file, expected, value);
  }
  return parsed as string[];
}

function record(value: string, key: string, file: string): Record<string, unknown> {
  const parsed = json(value, key, file, 'a JSON object');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) invalid(key, file, 'a JSON object', value);
  return parsed as Record<string, unknown>;
}

/**
 * Parses and validates the cairn metadata of an ONNX model's bytes. Throws `InputError` when the bytes
 * are not an ONNX model or its cairn metadata is missing or malformed (`data.key` names the key), and
 * `UnknownVersionError` for a format version this build does not know. `file` only names the source in errors.
 */
export function parseModelMetadata(bytes: Uint8Array, file = 'model'): ModelMetadata {
  const props = readProps(decodeModel(bytes, file), file);
  const K = METADATA_KEYS;
  if (!props.has(K.formatVersion)) {
    throw new InputError(`${file} has no cairn metadata (${K.formatVersion} is missing)`, {
      file,
      rule: 'cairn-metadata',
      key: K.formatVersion,
    });
  }
  const formatVersion = positiveInteger(required(props, K.formatVersion, file), K.formatVersion, file);
  if (formatVersion !== MODEL_FORMAT_VERSION) {
    throw new UnknownVersionError(`${file}: cairn model format ${formatVersion} is not supported (known: ${MODEL_FORMAT_VERSION})`, {
      file,
      formatVersion,
    });
  }
  const get = (key: string): string => required(props, key, file);
  // Either list may be empty (a regions-only or a classification-only model), not both.
  const regionClasses = names(get(K.regionClasses), K.regionClasses, file, true);
  const classes = names(get(K.classes), K.classes, file, regionClasses.length > 0);
  const maxBoxes = props.get(K.maxBoxes);
  const extractor = props.get(K.extractor);
  return {
    formatVersion,
    inputWidth: positiveInteger(get(K.inputWidth), K.inputWidth, file),
    inputHeight: positiveInteger(get(K.inputHeight), K.inputHeight, file),
    mean: channelStats(get(K.mean), K.mean, file, false),
    std: channelStats(get(K.std), K.std, file, true),
    classes,
    regionClasses,
    grid: positiveInteger(get(K.grid), K.grid, file),
    ...(maxBoxes === undefined ? {} : { maxBoxes: positiveInteger(maxBoxes, K.maxBoxes, file) }),
    ...(extractor === undefined ? {} : { extractor: record(extractor, K.extractor, file) }),
  };
}

/** Reads an ONNX file and returns its validated cairn metadata (see `parseModelMetadata`). */
export async function readModelMetadata(path: string): Promise<ModelMetadata> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`no model file at ${path}`, { file: path }, { cause });
    throw cause;
  }
  return parseModelMetadata(bytes, path);
}
