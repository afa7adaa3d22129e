// Workflow entry of promote.yml: after a model pull request merges into main, each new gate
// decision starts a rollout. approve: the promotion pull request is opened and merged;
// require_manual_review: it is opened with the cairn/gate check pending; reject: nothing.
// Env: AFTER_SHA (the pushed commit), BEFORE_SHA (the commit before the push), BASE_BRANCH,
// CAIRN_GITHUB_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY; PUSH_REMOTE (default origin).
import * as core from '@actions/core';
import { pushRemoteFromEnv, requireEnv } from '../src/actions/env.js';
import { runIdFromEnv } from '../src/actions/run-id.js';
import { runWorkflowStep } from '../src/actions/run-workflow-step.js';
import { forgeFromEnv } from '../src/forge/forge-from-env.js';
import { formatPromoteSummary, runPromote } from '../src/rollout/run-promote.js';
import { RepoReader } from '../src/store/repo-reader.js';

await runWorkflowStep(async () => {
  const dir = process.cwd();
  const remote = pushRemoteFromEnv();
  const outcomes = await runPromote(
    { dir, reader: new RepoReader(dir), forge: await forgeFromEnv(dir), ...(remote ? { remote } : {}) },
    { base: process.env.BASE_BRANCH || 'main', before: process.env.BEFORE_SHA || null, after: requireEnv('AFTER_SHA'), runId: runIdFromEnv(), now: () => new Date() },
  );
  await core.summary.addRaw(formatPromoteSummary(outcomes)).write();
  core.setOutput('pull_requests', JSON.stringify(outcomes.flatMap((o) => (o.pullRequest ? [o.pullRequest.number] : []))));
  const refused = outcomes.filter((o) => o.outcome === 'refused');
  if (refused.length > 0) core.setFailed(refused.map((o) => `${o.model} ${o.version}: ${o.message}`).join('\n'));
});
