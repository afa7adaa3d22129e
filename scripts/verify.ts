// Workflow entry of verify.yml, the PR guard: verify the pull request's head commit against its
// merge base with the base branch. Runs from a checkout of the base (trusted code) and reads the
// head only as git objects. Env: BASE_REF, HEAD_REF (default HEAD), REPO_DIR (default the checkout).
import * as core from '@actions/core';
import { requireEnv } from '../src/actions/env.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { RepoReader } from '../src/store/repo-reader.js';
import { renderVerifySummary } from '../src/verify/render-verify.js';
import { runVerify } from '../src/verify/run-verify.js';

await runWorkflowStep(async () => {
  const reader = new RepoReader(process.env.REPO_DIR ?? process.cwd());
  const result = await runVerify({ reader, base: requireEnv('BASE_REF'), ref: process.env.HEAD_REF || 'HEAD' });
  await core.summary.addRaw(renderVerifySummary(result)).write();
  for (const violation of result.violations) core.error(`[${violation.rule}] ${violation.message}`, { file: violation.file, title: 'cairn verify' });
  core.setOutput('violations', result.violations.length);
  if (result.violations.length > 0) core.setFailed(`${result.violations.length} violation(s); see the job summary`);
});
