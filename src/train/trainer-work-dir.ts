import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJsonFile, formatJsonLine, sha256Hex } from '../artifacts/canonical-json.js';
import { describeImage } from '../images/describe-image.js';
import type { DatasetItem } from '../artifacts/schemas/dataset.js';
import { ChecksumError, InputError } from '../errors.js';
import { rotatedEnvelope } from '../label-studio/rectangle-regions.js';
import type { ExternalTrainerOptions, TrainerItem } from './external-trainer.js';

// The work directory an external trainer reads: config.json, train.jsonl, val.jsonl, images/, output/.

/** The `schema` of `config.json`: the version of the whole work-dir contract (docs/external-trainers.md). */
export const EXTERNAL_TRAINER_SCHEMA = 'ExternalTrainerConfig/v1';

const READ_CONCURRENCY = 8;
const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff', avif: 'avif', heif: 'heic', svg: 'svg' };

interface ImageFile {
  path: string;
  sha256: string;
  width: number;
  height: number;
}

/** Writes the whole work directory: each distinct image once, the config and both splits. */
export async function writeWorkDir(workDir: string, options: ExternalTrainerOptions): Promise<void> {
  await mkdir(join(workDir, 'images'), { recursive: true });
  await mkdir(join(workDir, 'output'));
  const images = await materialiseImages(workDir, [...options.train, ...options.val].map(({ item }) => item), options);
  const lines = (items: readonly TrainerItem[]): string =>
    items.map((item) => `${formatJsonLine(buildTrainerLine(item, images.get(imageKey(item.item))!))}\n`).join('');
  const config = {
    schema: EXTERNAL_TRAINER_SCHEMA,
    model: options.model,
    config: options.config,
    classes: options.classes,
    region_classes: options.regionClasses,
    input: options.input,
    paths: { train: 'train.jsonl', val: 'val.jsonl', images: 'images', output: 'output', model: 'output/model.onnx' },
    counts: { train: options.train.length, val: options.val.length, images: new Set([...images.values()].map((image) => image.path)).size },
  };
  await writeFile(join(workDir, 'config.json'), formatJsonFile(config));
  await writeFile(join(workDir, 'train.jsonl'), lines(options.train));
  await writeFile(join(workDir, 'val.jsonl'), lines(options.val));
}

const imageKey = (item: DatasetItem): string => item.image.sha256 ?? `url:${item.image.url}`;

/** Reads each distinct image once, checks it against the dataset's sha256, and writes it under its own. */
async function materialiseImages(workDir: string, items: readonly DatasetItem[], options: ExternalTrainerOptions): Promise<Map<string, ImageFile>> {
  const firstOf = new Map<string, DatasetItem>();
  for (const item of items) if (!firstOf.has(imageKey(item))) firstOf.set(imageKey(item), item);
  const queue = [...firstOf];
  const images = new Map<string, ImageFile>();
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      options.signal?.throwIfAborted();
      const [key, item] = next;
      images.set(key, await materialiseImage(workDir, item, await options.readImage(item)).catch((error: unknown) => {
        queue.length = 0;
        throw error;
      }));
    }
  };
  // Every worker settles before a failure is thrown: none may write into a work dir being removed.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(READ_CONCURRENCY, queue.length) }, worker));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return images;
}

async function materialiseImage(workDir: string, item: DatasetItem, bytes: Uint8Array): Promise<ImageFile> {
  const sha256 = sha256Hex(bytes);
  if (item.image.sha256 !== null && item.image.sha256 !== sha256) {
    throw new ChecksumError(`${item.id}: image ${item.image.url} has sha256 ${sha256}, the dataset records ${item.image.sha256}`, {
      item: item.id,
      expected: item.image.sha256,
      actual: sha256,
    });
  }
  // The same header and end checks as ingestion: an empty, cut or foreign file is named, never a crash.
  const facts = await describeImage(bytes);
  if (facts.defect || !facts.format || !facts.width || !facts.height) {
    const why = facts.defect?.message ?? 'no size in its header';
    throw new InputError(`${item.id}: image ${item.image.url} cannot be handed to the trainer: ${why}`, { item: item.id, file: item.image.url, rule: facts.defect?.rule ?? 'image-format' });
  }
  const path = `images/${sha256}.${EXTENSIONS[facts.format] ?? facts.format}`;
  // Two items may name the same bytes under different URLs: the second write finds the file there.
  await writeFile(join(workDir, path), bytes, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return { path, sha256, width: facts.width, height: facts.height };
}

/** One line of train.jsonl or val.jsonl. Every region carries an upright `envelope` (itself unless rotated). */
function buildTrainerLine({ item, label }: TrainerItem, image: ImageFile): Record<string, unknown> {
  return {
    id: item.id,
    image: { path: image.path, sha256: image.sha256, width: image.width, height: image.height },
    label,
    regions: item.regions.map(({ label, x, y, width, height, rotation, envelope }) => {
      const upright = rotation % 360 === 0;
      const box = upright ? { x, y, width, height } : (envelope ?? rotatedEnvelope(x * 100, y * 100, width * 100, height * 100, rotation, image));
      return { label, x, y, width, height, rotation, envelope: box };
    }),
    meta: item.meta,
  };
}
