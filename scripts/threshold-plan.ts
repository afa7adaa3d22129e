// Workflow entry of thresholds-plan.yml: replays every recorded gate decision under the pull
// request's thresholds and posts the plan as one comment (in parts when long), edited in place,
// and in the job summary. Env: PR_NUMBER, BASE_REF and HEAD_REF (commits), CAIRN_GITHUB_TOKEN or
// GITHUB_TOKEN, GITHUB_REPOSITORY.
import * as core from '@actions/core';
import { requireEnv } from '../src/actions/env.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { applyThresholdPlanComment } from '../src/gate/apply-threshold-plan-comment.js';
import { runThresholdPlan } from '../src/gate/run-threshold-plan.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const plan = await runThresholdPlan({ reader: new RepoReader(dir), base: requireEnv('BASE_REF'), ref: requireEnv('HEAD_REF') });
  await applyThresholdPlanComment(await forgeFromEnv(dir), Number(requireEnv('PR_NUMBER')), plan.comment);
  core.setOutput('flipped', plan.comment.flipped);
  await core.summary.addRaw(plan.comment.parts.map((part) => part.body).join('\n')).write();
});
