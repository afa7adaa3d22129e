// Workflow entry of verify.yml, the PR guard: verify the pull request's head commit against its
// merge base with the base branch. Runs from a checkout of the base (trusted code) and reads the
// head only as git objects. Env: BASE_REF, HEAD_REF (default HEAD), REPO_DIR (default the checkout).
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
  const headRef = process.env.HEAD_REF || 'HEAD';
  const head = await new GitCli(dir).revParse(headRef);
  if (!head) throw new Error(`HEAD_REF ${headRef} names no commit; fetch it before this step`);
  const result = await runVerify({ reader: new RepoReader(dir), base, ref: head });
  await core.summary.addRaw(renderVerifySummary(result)).write();
  for (const violation of result.violations) core.error(`[${violation.rule}] ${violation.message}`, { file: violation.file, title: 'cairn verify' });
  core.setOutput('violations', result.violations.length);
  if (result.violations.length > 0) core.setFailed(`${result.violations.length} violation(s); see the job summary`);
} catch (error) {
  core.setFailed(describeError(error));
}
