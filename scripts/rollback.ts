// Workflow entry of rollback.yml: the revert of a model's last rollout change, as a pull request,
// or with NOW=true pushed straight to the base branch (an emergency; branch rules must allow the
// token to push). Env: MODEL, REASON, NOW, BASE_BRANCH, CAIRN_GITHUB_TOKEN or GITHUB_TOKEN,
// GITHUB_REPOSITORY; PUSH_REMOTE (default origin).
import * as core from '@actions/core';
import { pushRemoteFromEnv, requireEnv } from '../src/actions/env.js';
import { runIdFromEnv } from '../src/actions/run-id.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { buildRollbackBody } from '../src/rollout/plan-rollback-revert.js';
import { runRollback } from '../src/rollout/run-rollback.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const remote = pushRemoteFromEnv();
  const reason = process.env.REASON ?? '';
  const result = await runRollback(
    { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), ...(remote ? { remote } : {}) },
    { model: requireEnv('MODEL'), base: process.env.BASE_BRANCH || 'main', reason, runId: runIdFromEnv(), direct: process.env.NOW === 'true' },
  );
  const where = result.pullRequest ? `pull request #${result.pullRequest.number}` : `commit ${result.commit} on ${result.branch}`;
  await core.summary.addRaw(`### cairn rollback: ${result.plan.subject}\n\n${where}\n\n${buildRollbackBody(result.plan, reason)}\n`).write();
  if (result.pullRequest) core.setOutput('pull_request', String(result.pullRequest.number));
  if (result.commit) core.setOutput('commit', result.commit);
});
