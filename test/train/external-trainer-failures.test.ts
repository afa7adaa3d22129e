import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksumError, InputError, NotFoundError } from '../../src/errors.js';
import { runExternalTrainer, type ExternalTrainerOptions } from '../../src/train/external-trainer.js';
import { CLASSES, REGION_CLASSES, type Fixture, createScratchFixture, trainerOptions, tinyModel, isRunning } from './external-trainer-fixtures.js';

let scratch: string;
let fixture: Fixture;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ scratch, fixture, cleanup } = await createScratchFixture());
});
afterAll(() => cleanup());

describe('runExternalTrainer failures', () => {
  const fail = async (command: string, overrides: Partial<ExternalTrainerOptions> = {}): Promise<InputError | NotFoundError> => {
    const small = { ...fixture, items: fixture.items.slice(0, 4) };
    const error = await runExternalTrainer(trainerOptions(small, { command, cwd: scratch, ...overrides })).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof InputError || error instanceof NotFoundError)) throw new Error(`expected a cairn error, got ${String(error)}`);
    return error;
  };

  it('names the command, the exit code and the end of stderr when the command fails, and leaves nothing behind', async () => {
    const workDir = join(scratch, 'failed-run');
    const error = await fail('echo loading; echo "epoch 1" >&2; echo "CUDA out of memory" >&2; exit 3', { workDir });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('external trainer `echo loading; echo "epoch 1" >&2; echo "CUDA out of memory" >&2; exit 3` exited with code 3; stderr ends:\n  epoch 1\n  CUDA out of memory');
    expect(error.data).toMatchObject({ rule: 'trainer-exit', exitCode: 3, stderrTail: ['epoch 1', 'CUDA out of memory'] });
    expect(existsSync(workDir)).toBe(false);
  });

  it('kills the whole process group on timeout and says so', async () => {
    const pids: string[] = [];
    const started = performance.now();
    const error = await fail('sleep 30 & echo $!; wait', { timeoutMs: 1500, onLog: (line) => pids.push(line) });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error.message).toMatch(/^external trainer `sleep 30 & echo \$!; wait` timed out after 1500 ms; its process group was killed/);
    expect(error.data.rule).toBe('trainer-timeout');
    expect(pids).toHaveLength(1); // the grandchild had started, so its death is what is checked
    expect(isRunning(Number(pids[0]))).toBe(false);
  });

  it('kills processes the command left running when it exits', async () => {
    const pids: string[] = [];
    const started = performance.now();
    await fail('sleep 30 & echo $!; exit 0', { onLog: (line) => pids.push(line) });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(pids).toHaveLength(1);
    expect(isRunning(Number(pids[0]))).toBe(false);
  });

  it('names output/model.onnx when the command writes nothing', async () => {
    const error = await fail('true');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/^external trainer `true` exited 0 but wrote no model at \/.*\/output\/model\.onnx/);
  });

  it('refuses an empty file and one that is not an ONNX model, naming it', async () => {
    const empty = await fail(': > "$CAIRN_OUTPUT/model.onnx"');
    expect(empty.message).toMatch(/wrote an empty \/.*\/output\/model\.onnx$/);
    const garbage = await fail('printf "not a model at all" > "$CAIRN_OUTPUT/model.onnx"');
    expect(garbage.message).toMatch(/^external trainer `.*`: \/.*\/output\/model\.onnx is not an ONNX model/);
    expect(garbage.data.rule).toBe('onnx-model');
  });

  it('refuses a model for other classes or other region classes, naming both lists', async () => {
    const write = async (name: string, bytes: Uint8Array): Promise<string> => {
      await writeFile(join(scratch, name), bytes);
      return `cp ${join(scratch, name)} "$CAIRN_OUTPUT/model.onnx"`;
    };
    const classes = await fail(await write('cats.onnx', tinyModel(['cat', 'dog'], [])));
    expect(classes.message).toMatch(/output\/model\.onnx declares classes \["cat","dog"\], expected \["red","green","blue"\]$/);
    expect(classes.data).toMatchObject({ rule: 'trainer-classes', declared: ['cat', 'dog'], expected: CLASSES });
    const order = await fail(await write('order.onnx', tinyModel(['blue', 'green', 'red'], [])));
    expect(order.data.rule).toBe('trainer-classes');
    const regions = await fail(await write('regions.onnx', tinyModel(CLASSES, ['circle'])));
    expect(regions.message).toMatch(/declares region classes \["circle"\], expected \["square"\]$/);
  });

  it('refuses a model that declares region classes but has no box outputs', async () => {
    await writeFile(join(scratch, 'boxes.onnx'), tinyModel(CLASSES, REGION_CLASSES));
    const missing = await fail(`cp ${join(scratch, 'boxes.onnx')} "$CAIRN_OUTPUT/model.onnx"`);
    expect(missing.message).toMatch(/has no output boxes, output box_scores, output box_labels$/);
  });

  it('keeps the work directory when asked', async () => {
    const workDir = join(scratch, 'kept');
    await fail('echo partial > "$CAIRN_OUTPUT/log.txt"; exit 1', { workDir, keep: true });
    expect((await readdir(workDir)).sort()).toEqual(['config.json', 'images', 'output', 'train.jsonl', 'val.jsonl']);
    expect(await readdir(join(workDir, 'output'))).toEqual(['log.txt']);
    const error = await fail('true', { workDir });
    expect(error.message).toBe(`work directory ${workDir} is not empty`);
  });

  it('stops the command and rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const small = { ...fixture, items: fixture.items.slice(0, 2) };
    const started = performance.now();
    const run = runExternalTrainer(
      trainerOptions(small, { command: 'echo started; sleep 30', cwd: scratch, signal: controller.signal, onLog: () => controller.abort(new Error('cancelled')) }),
    );
    await expect(run).rejects.toThrow('cancelled');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses an image whose bytes do not match the dataset, and a label outside the classes', async () => {
    const small = { ...fixture, items: fixture.items.slice(0, 2) };
    const swapped = trainerOptions(small, { readImage: async () => fixture.bytes.get('blue-0')! });
    await expect(runExternalTrainer(swapped)).rejects.toThrow(ChecksumError);
    const options = trainerOptions(small, {});
    const stray = { ...options.train[0]!, label: { name: 'purple', weight: 1, source: 'weak' as const } };
    await expect(runExternalTrainer({ ...options, train: [stray] })).rejects.toThrow('red-0: image class "purple" is not in the model\'s list');
  });
});
