import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatJsonFile } from '../../src/artifacts/canonical-json.js';
import { buildArtifact } from '../../src/artifacts/codec.js';
import { paths } from '../../src/artifacts/layout.js';
import type { RolloutStateV2 } from '../../src/artifacts/schemas/promotion.js';
import { contentBytes, type FileWrite } from '../../src/store/commit-files.js';
import { GitCli } from '../../src/store/git-cli.js';
import { buildContractModel } from '../evaluate/contract-model.js';
import { datasetFiles, ref, rolloutFile, sha } from '../helpers/builders.js';
import { initRepo } from '../helpers/git.js';

/**
 * A model repository for the deployer: model `colours` with real ONNX versions of the contract model
 * (a red image is class red, green green, blue blue; two fixed regions, bar 0.9 and dot 0.4):
 * - 1.0.0, sharp and uncalibrated;
 * - 1.1.0, the same graph less sharp, with a calibration;
 * - 1.2.0, whose metadata names the classes in another order, so it calls a red image green;
 * - 1.3.0 (committed by the test that needs it), like 1.0.0 at 8 px instead of 16.
 */
export const MODEL = 'colours';
export const CLASSES = ['red', 'green', 'blue'];
export const REGION_CLASSES = ['dot', 'bar'];
export const CALIBRATION_1_1_0 = {
  red: { x: [0, 0.5, 1], y: [0.05, 0.2, 0.7] },
  green: { x: [0, 0.5, 1], y: [0.1, 0.4, 0.9] },
  blue: { x: [0, 0.25, 1], y: [0, 0.3, 0.6] },
};
const T0 = '2026-11-01T00:00:00.000Z';

export const taxonomy: FileWrite = taxonomyFile('colours_v1', CLASSES, REGION_CLASSES);
const dataset = datasetFiles('colours', 'v0001', taxonomy);

export const ONNX = {
  '1.0.0': buildContractModel({ classes: CLASSES, regionClasses: REGION_CLASSES }),
  '1.1.0': buildContractModel({ classes: CLASSES, regionClasses: REGION_CLASSES, sharpness: 3 }),
  '1.2.0': buildContractModel({ classes: ['green', 'blue', 'red'], regionClasses: REGION_CLASSES }),
  /** Not committed by `createServingRepo`: a version with another input size (8 px). */
  '1.3.0': buildContractModel({ classes: CLASSES, regionClasses: REGION_CLASSES, size: 8 }),
} as const;
export type Version = keyof typeof ONNX;

/** The files of one version: manifest, weights, calibration when given (the deployer reads neither metrics nor gate). */
export function versionFiles(version: Version, options: { onnx?: Uint8Array; calibration?: typeof CALIBRATION_1_1_0 } = {}): FileWrite[] {
  return buildVersionFiles({ model: MODEL, version, taxonomy, onnx: ONNX[version], committed: options.onnx, calibration: options.calibration, input: { width: 16, height: 16, mean: [0, 0, 0], std: [1, 1, 1] } });
}

export interface VersionSpec {
  model: string;
  version: string;
  taxonomy: FileWrite;
  /** The weights the manifest vouches for. */
  onnx: Uint8Array;
  /** Other bytes to commit as model.onnx (a tampered file); `onnx` when absent. */
  committed?: Uint8Array | undefined;
  calibration?: Record<string, { x: number[]; y: number[] }> | undefined;
  input: { width: number; height: number; mean: number[]; std: number[] };
}

/** A version's manifest, weights and calibration for any model and taxonomy. */
export function buildVersionFiles(spec: VersionSpec): FileWrite[] {
  const { model, version } = spec;
  const names = JSON.parse(String(spec.taxonomy.content)) as { classes: Array<{ name: string }>; region_classes: Array<{ name: string }> };
  const calibration = spec.calibration
    ? formatJsonFile(
        buildArtifact('Calibration', { model, model_version: version, method: 'isotonic', fitted_on: { dataset_version: 'v0001', split: 'val' }, classes: spec.calibration, ece_before: 0.1, ece_after: 0.05 }),
      )
    : null;
  const manifest = buildArtifact('ModelArtifact', {
    model,
    model_version: version,
    taxonomy: ref(spec.taxonomy),
    dataset: { name: 'colours', version: 'v0001', manifest: ref(dataset[0]!) },
    trainer: { kind: 'external', name: 'contract-model', version: '1' },
    config: {},
    code_commit: 'unknown',
    input: spec.input,
    classes: names.classes.map((c) => c.name),
    region_classes: names.region_classes.map((c) => c.name),
    parent: null,
    files: {
      'model.onnx': { sha256: sha(spec.onnx), bytes: spec.onnx.length },
      ...(calibration ? { 'calibration.json': { sha256: sha(calibration), bytes: Buffer.byteLength(calibration) } } : {}),
    },
    calibrated: calibration !== null,
    created_at: T0,
  });
  return [
    { path: paths.modelManifest(model, version), content: formatJsonFile(manifest) },
    { path: paths.modelFile(model, version, 'model.onnx'), content: spec.committed ?? spec.onnx },
    ...(calibration ? [{ path: paths.modelFile(model, version, 'calibration.json'), content: calibration }] : []),
  ];
}

/** The taxonomy file of `classes` and `regionClasses`. */
export function taxonomyFile(version: string, classes: readonly string[], regionClasses: readonly string[]): FileWrite {
  return {
    path: paths.taxonomy(version),
    content: formatJsonFile(buildArtifact('Taxonomy', { taxonomy_version: version, classes: classes.map((name) => ({ name })), region_classes: regionClasses.map((name) => ({ name })) })),
  };
}

export function servingYaml(overrides: Record<string, unknown> = {}): FileWrite {
  const values = { min_confidence: 0.5, per_class_min_confidence: {}, min_region_score: 0.3, shadow: false, kill_switch: false, reload_interval_seconds: 5, ...overrides };
  const lines = ['schema: ServingThresholds/v1', ...Object.entries(values).map(([key, value]) => `${key}: ${JSON.stringify(value)}`)];
  return { path: paths.thresholds('serving'), content: `${lines.join('\n')}\n` };
}

const served = (version: Version) => ({ model_version: version, manifest: ref(versionFiles(version, version === '1.1.0' ? { calibration: CALIBRATION_1_1_0 } : {})[0]!) });

/** A rollout state of `colours`: production, candidate at `percent` (stages 5, 25, 100 unless given), and the rest. */
export function rollout(fields: {
  production?: Version | null;
  candidate?: { version: Version; percent: number; stages?: number[] } | null;
  shadow?: Version | null;
  previous?: Version | null;
  pinned?: Version | null;
  kill_switch?: boolean;
}): FileWrite {
  const gate = { path: paths.modelFile(MODEL, fields.candidate?.version ?? '1.0.0', 'gate.json'), sha256: 'c'.repeat(64) };
  const state: Parameters<typeof rolloutFile>[1] = {
    production: fields.production ? served(fields.production) : null,
    candidate: fields.candidate ? { ...served(fields.candidate.version), gate, percent: fields.candidate.percent, approval: null, ...(fields.candidate.stages ? { stages: fields.candidate.stages } : {}) } : null,
    shadow: fields.shadow ? served(fields.shadow) : null,
    previous: fields.previous ? served(fields.previous) : null,
    pinned: fields.pinned ?? null,
    kill_switch: fields.kill_switch ?? false,
  };
  return rolloutFile(MODEL, state);
}

export function parseRollout(file: FileWrite): RolloutStateV2 {
  return JSON.parse(String(file.content)) as RolloutStateV2;
}

/** A repository on `main` with the taxonomy, dataset, serving thresholds, all three versions (1.1.0 calibrated) and `state`. */
export async function createServingRepo(dir: string, state: FileWrite, serving = servingYaml()): Promise<GitCli> {
  return createModelRepo(dir, [taxonomy, serving, ...versionFiles('1.0.0'), ...versionFiles('1.1.0', { calibration: CALIBRATION_1_1_0 }), ...versionFiles('1.2.0'), state]);
}

/**
 * `createServingRepo` in `<root>/models` and its bare remote `<root>/remote.git` (the work tree's
 * `origin`): a test commits in the work tree and pushes to move what a deployer following the remote serves.
 */
export async function createServingRemote(root: string, state: FileWrite, serving = servingYaml()): Promise<{ cli: GitCli; work: string; remote: string }> {
  const work = join(root, 'models');
  const remote = join(root, 'remote.git');
  const cli = await createServingRepo(work, state, serving);
  await cli.run(['clone', '--quiet', '--bare', work, remote]);
  await cli.run(['remote', 'add', 'origin', remote]);
  return { cli, work, remote };
}

/** A repository on `main` holding a dataset manifest (the lineage a manifest names) and `files`. */
export async function createModelRepo(dir: string, files: readonly FileWrite[]): Promise<GitCli> {
  const cli = await initRepo(dir);
  await commitFiles(dir, [...dataset, ...files], 'model repository');
  return cli;
}

/** Writes `files` into the work tree and commits them; returns the commit id. */
export async function commitFiles(dir: string, files: readonly FileWrite[], message: string): Promise<string> {
  for (const file of files) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true });
    await writeFile(join(dir, file.path), contentBytes(file.content));
  }
  const cli = new GitCli(dir);
  await cli.run(['add', '--', ...files.map((file) => file.path)]);
  await cli.run(['commit', '--quiet', '-m', message]);
  return (await cli.revParse('HEAD'))!;
}
