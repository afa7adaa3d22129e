import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCli } from '../../src/store/git-cli.js';
import { tempDir } from '../helpers/git.js';
import { runWorkflowJob, type JobRecord } from './emulator/run-workflow-job.js';

/**
 * The guard as GitHub runs it: verify.yml's job, step by step, on a pull request that rewrites
 * cairn's verifier to accept everything and tampers with a committed artifact. The base branch is
 * this project as it stands (its tracked files), so the test checks the workflow and the code
 * that would run on GitHub.
 */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const TAMPERED = 'registry/shapes/1.0.0/metrics.json';

let root: string;
let cleanup: () => Promise<void>;
let origin: string;
let seed: GitCli;
let baseSha: string;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir('cairn-guard-'));
  origin = join(root, 'origin.git');
  await new GitCli(root).run(['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  const seedDir = join(root, 'seed');
  await mkdir(seedDir);
  seed = new GitCli(seedDir);
  await seed.run(['init', '--quiet', '--initial-branch=main']);
  await seed.run(['config', 'user.name', 'Maintainer']);
  await seed.run(['config', 'user.email', 'maintainer@example.test']);
  const tracked = (await new GitCli(projectRoot).run(['ls-files', '-z'])).split('\0').filter(Boolean);
  for (const path of tracked) {
    const bytes = await readFile(join(projectRoot, path)).catch(() => null);
    if (bytes === null) continue; // deleted in the work tree, not yet committed
    await mkdir(dirname(join(seedDir, path)), { recursive: true });
    await writeFile(join(seedDir, path), bytes);
  }
  await seed.run(['add', '--all']);
  await seed.run(['commit', '--quiet', '-m', 'cairn as it stands']);
  await seed.run(['push', '--quiet', origin, 'main']);
  baseSha = (await seed.revParse('main'))!;
}, 120_000);

afterAll(() => cleanup());

/** Commits `edits` on a branch off main and publishes it as GitHub does a pull request's head. */
async function openPullRequest(number: number, edits: Record<string, (text: string) => string>): Promise<string> {
  await seed.run(['checkout', '--quiet', '-B', `pr-${number}`, 'main']);
  for (const [path, edit] of Object.entries(edits)) {
    const file = join(seed.dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, edit(await readFile(file, 'utf8').catch(() => '')));
  }
  await seed.run(['add', '--all']);
  await seed.run(['commit', '--quiet', '-m', `pull request ${number}`]);
  const head = (await seed.revParse('HEAD'))!;
  await seed.run(['push', '--quiet', origin, `${head}:refs/pull/${number}/head`]);
  await seed.run(['checkout', '--quiet', 'main']);
  return head;
}

async function runGuard(number: number, head: string, workflowFile: string, eventName = 'pull_request_target'): Promise<JobRecord> {
  const workDir = join(root, `run-${number}-${eventName}`);
  await mkdir(workDir);
  return runWorkflowJob({
    workflowFile,
    job: 'verify',
    origin,
    workDir,
    event: { name: eventName, payload: { number, pull_request: { number, base: { sha: baseSha, ref: 'main' }, head: { sha: head, ref: `pr-${number}` } } } },
    github: { sha: eventName === 'pull_request_target' ? baseSha : head, ref: 'refs/heads/main', repository: 'acme/models', base_ref: 'main', head_ref: `pr-${number}` },
    install: { nodeModules: join(projectRoot, 'node_modules'), lockfile: join(projectRoot, 'package-lock.json') },
  });
}

/** The hostile change: a verifier that finds nothing, and the guard's workflow rewritten to run it. */
const acceptEverything = () => `export async function runVerify() {\n  return { commit: '', baseCommit: null, checkedFiles: 0, violations: [] };\n}\n`;
const runOwnCode = (workflow: string) =>
  workflow
    .replace('pull_request_target:', 'pull_request:')
    .replace('${{ github.event.pull_request.base.sha || github.sha }}', '${{ github.event.pull_request.head.sha }}');
const tamper = (metrics: string) => metrics.replace(/"macro_f1": 0\.(\d)/, (_, digit: string) => `"macro_f1": 0.${(Number(digit) + 1) % 10}`);

describe('the verify guard runs trusted code on pull request data', () => {
  it('refuses a pull request that rewrites the verifier and tampers with an artifact', async () => {
    const head = await openPullRequest(1, { 'src/verify/run-verify.ts': acceptEverything, '.github/workflows/verify.yml': runOwnCode, [TAMPERED]: tamper });

    const job = await runGuard(1, head, join(projectRoot, '.github/workflows/verify.yml'));

    expect(job.steps.map((step) => step.outcome)).toEqual(['success', 'success', 'success', 'success', 'failure']);
    expect(job.outcome).toBe('failure');
    expect(job.summary).toContain(TAMPERED);
    expect(job.summary).toContain('checksum');
  }, 120_000);

  it('would have been fooled had it run the pull request’s own code and workflow (the attack is real)', async () => {
    const head = await openPullRequest(2, { 'src/verify/run-verify.ts': acceptEverything, '.github/workflows/verify.yml': runOwnCode, [TAMPERED]: tamper });
    const ownWorkflow = join(root, 'pr-2-verify.yml');
    await writeFile(ownWorkflow, runOwnCode(await readFile(join(projectRoot, '.github/workflows/verify.yml'), 'utf8')));

    const job = await runGuard(2, head, ownWorkflow, 'pull_request');

    expect(job.outcome, JSON.stringify(job.steps, null, 1)).toBe('success');
  }, 120_000);

  it('passes an honest pull request, so the refusal above is the tampering’s doing', async () => {
    const head = await openPullRequest(3, { 'thresholds/validation.yaml': (text) => text.replace('min_samples_per_class: 20', 'min_samples_per_class: 25') });

    const job = await runGuard(3, head, join(projectRoot, '.github/workflows/verify.yml'));

    expect(job.outcome, JSON.stringify(job.steps, null, 1)).toBe('success');
    expect(job.summary).toContain('cairn verify: clean');
    expect(job.summary).toContain('1 files checked');
  }, 120_000);
});
