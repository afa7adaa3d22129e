// Workflow entry of gate.yml: the gate check of a model pull request. Commits gate.json to the
// PR's branch, posts the decision as the bot comment and sets the cairn/gate status. Env:
// PR_NUMBER, BASE_REF (the PR's base commit: production and thresholds in force; default HEAD,
// the trusted checkout), CAIRN_GITHUB_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY, and for the
// images LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY or IMAGES_DIR.
import * as core from '@actions/core';
import { pushRemoteFromEnv, requireEnv } from '../src/actions/env.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { modelContext } from '../src/registry/model-context.js';
import { runIdFromEnv } from '../src/actions/run-id.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { buildGateComment } from '../src/gate/gate-comment.js';
import { runGateCheck } from '../src/gate/run-gate-check.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const reader = new RepoReader(dir);
  const baseRef = process.env.BASE_REF || 'HEAD';
  const remote = pushRemoteFromEnv();
  const { gate } = await runGateCheck(
    {
      dir,
      reader,
      forge: await forgeFromEnv(dir),
      ...(remote ? { remote } : {}),
      // Dataset configs from the base: a pull request cannot point the image fetches elsewhere.
      imageReader: async (model) => (await modelContext(reader, baseRef, model, process.env.IMAGES_DIR || undefined)).readImage,
    },
    { pullRequest: Number(requireEnv('PR_NUMBER')), baseRef, runId: runIdFromEnv(), now: () => new Date() },
  );
  core.setOutput('decision', gate.decision.decision);
  core.setOutput('gate', gate.path);
  await core.summary.addRaw(buildGateComment(gate.decision)).write();
});
