// Workflow entry of train.yml's first job: the models to train, as a JSON array for the matrix.
// Env: MODEL (one model; default every model under registry/ at BASE_REF), BASE_REF (default HEAD).
import * as core from '@actions/core';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { runListModels } from '../src/registry/run-list-models.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const models = await runListModels({ reader: new RepoReader(process.cwd()), ref: process.env.BASE_REF || 'HEAD', model: process.env.MODEL || undefined });
  core.setOutput('models', JSON.stringify(models));
  core.info(models.length ? `models: ${models.join(', ')}` : 'no models under registry/');
});
