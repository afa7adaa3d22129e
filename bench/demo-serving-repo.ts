import type { FileWrite } from '../src/store/commit-files.js';
import type { GitCli } from '../src/store/git-cli.js';
import type { InputSpec } from '../src/images/preprocess.js';
import { parseModelMetadata } from '../src/model/read-model-metadata.js';
import { trainDemoModel } from '../test/evaluate/evaluate-fixtures.js';
import { ref, rolloutFile } from '../test/helpers/builders.js';
import { buildVersionFiles, createModelRepo, servingYaml, taxonomyFile } from '../test/serving/serving-repo.js';
import { buildDemoItems } from '../test/train/demo-items.js';

export const DEMO_MODEL = 'shapes';
export type DemoVersion = '1.0.0' | '1.1.0';

export interface DemoServingRepo {
  cli: GitCli;
  /** The weights of 1.0.0, for a bare session beside the deployer. */
  onnx: Uint8Array;
  spec: InputSpec;
  /** The rollout state of `shapes` with `production` serving and `shadow` beside it. */
  rollout(state: { production: DemoVersion; shadow?: DemoVersion; previous?: DemoVersion }): FileWrite;
}

/**
 * A model repository on `main` serving `shapes`: two built-in demo models (trained on 400 64 px demo
 * images, seeds 7 and 11) as versions 1.0.0 and 1.1.0, production 1.0.0, thresholds reloading every 5 s.
 */
export async function createDemoServingRepo(root: string): Promise<DemoServingRepo> {
  const [first, second] = await Promise.all([trainDemoModel(400, 7), trainDemoModel(400, 11)]);
  const metadata = parseModelMetadata(first.trained.model, 'model.onnx');
  const taxonomy = taxonomyFile('bench_v1', first.classes, metadata.regionClasses);
  const input = { width: metadata.inputWidth, height: metadata.inputHeight, mean: [...metadata.mean], std: [...metadata.std] };
  const files = {
    '1.0.0': buildVersionFiles({ model: DEMO_MODEL, version: '1.0.0', taxonomy, onnx: first.trained.model, input }),
    '1.1.0': buildVersionFiles({ model: DEMO_MODEL, version: '1.1.0', taxonomy, onnx: second.trained.model, input }),
  };
  const served = (version: DemoVersion | undefined) => (version ? { model_version: version, manifest: ref(files[version][0]!) } : null);
  const rollout: DemoServingRepo['rollout'] = (state) =>
    rolloutFile(DEMO_MODEL, { production: served(state.production)!, shadow: served(state.shadow), previous: served(state.previous) });
  const cli = await createModelRepo(root, [taxonomy, servingYaml(), ...files['1.0.0'], ...files['1.1.0'], rollout({ production: '1.0.0' })]);
  return { cli, onnx: first.trained.model, spec: { width: metadata.inputWidth, height: metadata.inputHeight, mean: metadata.mean, std: metadata.std }, rollout };
}

/** `count` demo PNG uploads of 256×256. */
export async function readDemoUploads(count: number): Promise<Buffer[]> {
  return (await buildDemoItems({ seed: 3, count, imageSize: 256 })).items.map((item) => Buffer.from(item.image as Uint8Array));
}
