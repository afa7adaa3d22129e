// Workflow entry of review.yml: the cairn/gate check of a rollout pull request, on every review
// and every push. Records an approval in the rollout state on the pull request's branch and
// sets the check on the commit that records it. Env: PR_NUMBER, CAIRN_BOTS (comma-separated
// machine users whose approvals never count), CAIRN_GITHUB_TOKEN or GITHUB_TOKEN,
// GITHUB_REPOSITORY; PUSH_REMOTE (default origin).
import * as core from '@actions/core';
import { pushRemoteFromEnv, requireEnv } from '../src/actions/env.js';
import { runIdFromEnv } from '../src/actions/run-id.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { runReviewCheck } from '../src/review/run-review-check.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const remote = pushRemoteFromEnv();
  const bots = (process.env.CAIRN_BOTS ?? '').split(',').map((login) => login.trim()).filter(Boolean);
  const result = await runReviewCheck(
    { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), ...(remote ? { remote } : {}) },
    { pullRequest: Number(requireEnv('PR_NUMBER')), runId: runIdFromEnv(), now: () => new Date(), bots },
  );
  const recorded = result.recorded ? `\n\nThe approval was recorded in the rollout state by ${result.recorded}.` : '';
  await core.summary.addRaw(`### cairn/gate on #${result.pullRequest.number}: ${result.state}\n\n${result.description}${recorded}\n`).write();
  core.setOutput('state', result.state);
});
