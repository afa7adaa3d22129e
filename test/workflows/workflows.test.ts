import { readFile, readdir } from 'node:fs/promises';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../.github/workflows/', import.meta.url);
const files = (await readdir(dir)).filter((name) => name.endsWith('.yml')).sort();

describe.each(files)('workflow %s', (name) => {
  it('is a valid GitHub Actions workflow (action-validator)', async () => {
    const state = validateWorkflow(await readFile(new URL(name, dir), 'utf8'));
    expect(state.errors).toEqual([]);
  });

  it('declares least permissions and a timeout on every job, and keeps event text out of run lines', async () => {
    const text = await readFile(new URL(name, dir), 'utf8');
    const workflow = parse(text) as { permissions?: unknown; jobs: Record<string, { 'timeout-minutes'?: number; steps: Array<{ run?: string }> }> };
    expect(workflow.permissions).toBeDefined();
    for (const job of Object.values(workflow.jobs)) {
      expect(job['timeout-minutes']).toBeGreaterThan(0);
      for (const step of job.steps) expect(step.run ?? '').not.toMatch(/\$\{\{\s*github\.event\./);
    }
  });
});

it('rejects a broken workflow, so the check above can fail', () => {
  expect(validateWorkflow('on: push\njobs: {x: {runs-on: 1}}\n').errors.length).toBeGreaterThan(0);
});

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, { steps: Step[]; concurrency?: { group: string } }> };

describe('the trust boundary in the workflow files', () => {
  it.each(files)('%s pins every action by commit sha, with its tag in a comment', async (name) => {
    const text = await readFile(new URL(name, dir), 'utf8');
    const uses = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it('the guards run on pull_request_target, and every pull_request_target job checks out only the base commit', async () => {
    const targeted: string[] = [];
    for (const name of files) {
      const workflow = parse(await readFile(new URL(name, dir), 'utf8')) as Workflow;
      if (!('pull_request_target' in workflow.on)) continue;
      targeted.push(name);
      expect(Object.keys(workflow.on)).not.toContain('pull_request');
      for (const job of Object.values(workflow.jobs)) {
        const checkouts = job.steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
        expect(checkouts).toHaveLength(1);
        expect(String(checkouts[0]!.with?.ref)).toMatch(/^\$\{\{ github\.event\.pull_request\.base\.sha( \|\| github\.sha)? \}\}$/);
      }
    }
    expect(targeted).toEqual(expect.arrayContaining(['dataset-validation.yml', 'gate.yml', 'thresholds-plan.yml', 'verify.yml']));
  });

  it('no workflow on pull_request_target executes a file it fetched from the pull request', async () => {
    for (const name of files) {
      const workflow = parse(await readFile(new URL(name, dir), 'utf8')) as Workflow;
      if (!('pull_request_target' in workflow.on)) continue;
      const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));
      // Fetching the head as git objects is the only contact; nothing checks it out, merges it or runs it.
      for (const run of runs) expect(run).not.toMatch(/git (checkout|switch|merge|pull|worktree|reset|restore|read-tree)\b/);
    }
  });

  it('train.yml trains each model in its own concurrency group, so two runs never push one branch at once', async () => {
    const workflow = parse(await readFile(new URL('train.yml', dir), 'utf8')) as Workflow;
    expect(workflow.jobs.train!.concurrency).toEqual({ group: 'train-${{ matrix.model }}', 'cancel-in-progress': false });
    expect((workflow as unknown as { concurrency?: unknown }).concurrency).toBeUndefined();
  });
});
