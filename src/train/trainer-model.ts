import { readFile } from 'node:fs/promises';
import { InputError, NotFoundError } from '../errors.js';
import { CLASS_SCORES } from '../model/heads-graph.js';
import { BOX_OUTPUTS } from '../model/nms-graph.js';
import { onnx } from '../model/onnx-proto.js';
import { parseModelMetadata } from '../model/read-model-metadata.js';
import type { ExternalTrainerOptions } from './external-trainer.js';

/** Reads `output/model.onnx` and checks it is a cairn model for exactly these classes. */
export async function readTrainerModel(file: string, options: ExternalTrainerOptions): Promise<Uint8Array> {
  const { command } = options;
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    const message = `external trainer \`${command}\` exited 0 but wrote no model at ${file} (expected output/model.onnx)`;
    throw new NotFoundError(message, { file, rule: 'trainer-output', command }, { cause: error });
  });
  if (bytes.length === 0) throw new InputError(`external trainer \`${command}\` wrote an empty ${file}`, { file, rule: 'trainer-output', command });
  const metadata = (() => {
    try {
      return parseModelMetadata(bytes, file);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(`external trainer \`${command}\`: ${error.message}`, { ...error.data, rule: error.data.rule as string, command }, { cause: error });
    }
  })();
  const refuse = (what: string, declared: readonly string[], expected: readonly string[]): never => {
    throw new InputError(`external trainer \`${command}\`: ${file} declares ${what} ${JSON.stringify(declared)}, expected ${JSON.stringify(expected)}`, {
      file,
      rule: 'trainer-classes',
      command,
      declared,
      expected,
    });
  };
  if (!sameList(metadata.classes, options.classes)) refuse('classes', metadata.classes, options.classes);
  // A classification-only model declares no region classes; one with a region head declares them all.
  const regionHead = metadata.regionClasses.length > 0;
  if (regionHead && !sameList(metadata.regionClasses, options.regionClasses)) refuse('region classes', metadata.regionClasses, options.regionClasses);
  assertGraphNames(bytes, file, command, regionHead);
  return bytes;
}

function assertGraphNames(bytes: Uint8Array, file: string, command: string, regionHead: boolean): void {
  const graph = onnx.ModelProto.decode(bytes).graph!;
  const inputs = new Set((graph.input ?? []).map((value) => value.name));
  const outputs = new Set((graph.output ?? []).map((value) => value.name));
  const missing = [
    ...(inputs.has('image') ? [] : ['input image']),
    ...[CLASS_SCORES, ...(regionHead ? Object.values(BOX_OUTPUTS) : [])].filter((name) => !outputs.has(name)).map((name) => `output ${name}`),
  ];
  if (missing.length > 0) {
    throw new InputError(`external trainer \`${command}\`: ${file} has no ${missing.join(', ')}`, { file, rule: 'trainer-model-io', command, missing });
  }
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((name, index) => name === b[index]);
