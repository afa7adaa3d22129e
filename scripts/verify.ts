// Workflow entry for the PR guard: verify the PR's merge commit against its base branch.
// Inputs (env): BASE_REF (e.g. origin/main), REPO_DIR (default: the checkout).
import * as core from '@actions/core';
import { GitCli } from '../src/store/git-cli.js';
import { RepoReader } from '../src/store/repo-reader.js';
import { renderVerifySummary } from '../src/verify/render-verify.js';
import { runVerify } from '../src/verify/run-verify.js';
import { requireEnv } from '../src/actions/env.js';
import { describeError } from '../src/cli/output.js';

try {
  const dir = process.env.REPO_DIR ?? process.cwd();
  const baseRef = requireEnv('BASE_REF');
  const base = await new GitCli(dir).revParse(baseRef);
  if (!base) throw new Error(`BASE_REF ${baseRef} names no commit; fetch it before this step`);
  const result = await runVerify({ reader: new RepoReader(dir), base });
  await core.summary.addRaw(renderVerifySummary(result)).write();
  for (const violation of result.violations) core.error(`[${violation.rule}] ${violation.message}`, { file: violation.file, title: 'cairn verify' });
  core.setOutput('violations', result.violations.length);
  if (result.violations.length > 0) core.setFailed(`${result.violations.length} violation(s); see the job summary`);
} catch (error) {
  core.setFailed(describeError(error));
}
