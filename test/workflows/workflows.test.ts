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
