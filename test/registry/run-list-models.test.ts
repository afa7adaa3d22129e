import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/errors.js';
import { runListModels } from '../../src/registry/run-list-models.js';
import { RepoReader } from '../../src/store/repo-reader.js';
import { commitStage } from '../../src/store/stage-writer.js';
import { modelVersionFiles, datasetFiles, taxonomyFile } from '../helpers/builders.js';
import { initRepo, tempDir } from '../helpers/git.js';
import { rejection } from '../helpers/rejection.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await initRepo(dir);
  const taxonomy = taxonomyFile();
  const dataset = datasetFiles('demo', 'ds-1', taxonomy);
  const files = [taxonomy, ...dataset, ...modelVersionFiles('shapes', '1.0.0', { taxonomy, datasetManifest: dataset[0]! }), ...modelVersionFiles('digits', '1.0.0', { taxonomy, datasetManifest: dataset[0]! })];
  await commitStage({ dir, stage: 'test', runId: 'r', plan: () => ({ subject: 'two models', files }) });
});
afterEach(() => cleanup());

describe('the models a training run covers', () => {
  it('is every model in the registry, sorted, or the one asked for', async () => {
    const reader = new RepoReader(dir);
    expect(await runListModels({ reader, ref: 'HEAD' })).toEqual(['digits', 'shapes']);
    expect(await runListModels({ reader, ref: 'HEAD', model: 'shapes' })).toEqual(['shapes']);
  });

  it('names a model that is not in the registry, and the ones that are', async () => {
    const error = await rejection(runListModels({ reader: new RepoReader(dir), ref: 'HEAD', model: 'shapez' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/model shapez has no registry\/shapez\/model\.yaml.*models: digits, shapes/);
  });
});
