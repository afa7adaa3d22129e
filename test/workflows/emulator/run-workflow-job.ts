import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GitCli } from '../../../src/store/git-cli.js';
import { evaluateExpression, interpolate, truthy, type ExpressionObject } from './evaluate-expression.js';

/**
 * Runs one job of a workflow file the way a GitHub-hosted runner would, on this machine: the job's
 * `if`, then each step in order with its `env`, expressions evaluated against the event. It knows
 * the two actions cairn's workflows use and refuses any other, so a test cannot pass by skipping
 * a step:
 * - `actions/checkout` (pinned by commit sha) clones `origin` into the workspace and checks out
 *   `with.ref`, or the event's commit;
 * - `actions/setup-node` (pinned) checks that this is Node 20 or newer.
 * `npm ci` links the installation of the project under test, and only when the workspace's
 * package-lock.json is byte-identical to it: the emulator has no network, the runner has.
 */
export interface WorkflowJobOptions {
  workflowFile: string;
  job: string;
  /** A bare repository standing in for GitHub's copy of the repository. */
  origin: string;
  /** The runner's work directory; the checkout goes to `<workDir>/workspace`. */
  workDir: string;
  event: { name: string; payload: ExpressionObject };
  /** `github.*` fields besides `event` and `event_name`: sha, ref, repository, head_ref, base_ref. */
  github: ExpressionObject;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Extra process environment for every step (for example GITHUB_API_URL of a local fake). */
  runnerEnv?: Record<string, string>;
  /** The installation `npm ci` links: the project's node_modules and its package-lock.json. */
  install: { nodeModules: string; lockfile: string };
}

export interface StepRecord {
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  output: string;
}

export interface JobRecord {
  outcome: 'success' | 'failure' | 'skipped';
  steps: StepRecord[];
  summary: string;
  workspace: string;
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
}

const PINNED = /^actions\/(checkout|setup-node)@[0-9a-f]{40}$/;

export async function runWorkflowJob(options: WorkflowJobOptions): Promise<JobRecord> {
  const workflow = parse(await readFile(options.workflowFile, 'utf8')) as {
    on: Record<string, unknown> | string[] | string;
    env?: Record<string, unknown>;
    jobs: Record<string, { if?: string; env?: Record<string, unknown>; steps: Step[] }>;
  };
  const triggers = typeof workflow.on === 'string' ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on : Object.keys(workflow.on);
  if (!triggers.includes(options.event.name)) throw new Error(`${options.workflowFile} does not run on ${options.event.name}`);
  const job = workflow.jobs[options.job];
  if (!job) throw new Error(`${options.workflowFile} has no job ${options.job}`);

  const workspace = join(options.workDir, 'workspace');
  const runnerTemp = join(options.workDir, 'runner-temp');
  await mkdir(runnerTemp, { recursive: true });
  const summaryFile = join(runnerTemp, 'step-summary.md');
  await writeFile(summaryFile, '');
  await writeFile(join(runnerTemp, 'output'), '');
  const eventFile = join(runnerTemp, 'event.json');
  await writeFile(eventFile, JSON.stringify(options.event.payload));
  const shims = await writeShims(join(options.workDir, 'shims'));

  const context: ExpressionObject = {
    github: { ...options.github, event_name: options.event.name, event: options.event.payload, workspace, token: 'ghs_emulated-token' },
    secrets: options.secrets ?? {},
    vars: options.vars ?? {},
    inputs: (options.event.payload.inputs as ExpressionObject | undefined) ?? {},
    env: {},
  };
  const record: JobRecord = { outcome: 'success', steps: [], summary: '', workspace };
  if (job.if !== undefined && !truthy(evaluateCondition(job.if, context))) return { ...record, outcome: 'skipped' };

  const baseEnv: Record<string, string> = {
    PATH: `${shims}:${process.env.PATH}`,
    HOME: process.env.HOME ?? options.workDir,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: String(options.github.repository ?? ''),
    GITHUB_SHA: String(options.github.sha ?? ''),
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: join(runnerTemp, 'output'),
    RUNNER_TEMP: runnerTemp,
    EMULATOR_NODE_MODULES: options.install.nodeModules,
    EMULATOR_LOCKFILE: options.install.lockfile,
    EMULATOR_REAL_NPM: process.env.npm_execpath ? `${process.execPath} ${process.env.npm_execpath}` : 'npm',
    ...options.runnerEnv,
  };

  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${index + 1}`;
    if (record.outcome === 'failure' || (step.if !== undefined && !truthy(evaluateCondition(step.if, context)))) {
      record.steps.push({ name, outcome: 'skipped', output: '' });
      continue;
    }
    const env = { ...baseEnv, ...evaluateEnv(workflow.env, context), ...evaluateEnv(job.env, context), ...evaluateEnv(step.env, context) };
    const result = step.uses ? await runAction(step, context, options, workspace) : await runShell(interpolate(step.run ?? '', context), env, join(workspace, step['working-directory'] ?? '.'));
    record.steps.push({ name, ...result });
    if (result.outcome === 'failure') record.outcome = 'failure';
  }
  record.summary = await readFile(summaryFile, 'utf8');
  return record;
}

/** `if:` may omit `${{ }}`; GitHub evaluates the bare text as an expression. */
function evaluateCondition(condition: string, context: ExpressionObject) {
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  return evaluateExpression(bare, context);
}

function evaluateEnv(env: Record<string, unknown> | undefined, context: ExpressionObject): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([key, value]) => [key, interpolate(String(value), context)]));
}

async function runAction(step: Step, context: ExpressionObject, options: WorkflowJobOptions, workspace: string): Promise<Omit<StepRecord, 'name'>> {
  const uses = step.uses!;
  if (!PINNED.test(uses)) throw new Error(`the emulator runs only actions/checkout and actions/setup-node pinned by sha, not ${uses}`);
  if (uses.startsWith('actions/setup-node@')) {
    const major = Number(process.versions.node.split('.')[0]);
    return { outcome: major >= Number(step.with?.['node-version'] ?? 20) ? 'success' : 'failure', output: `node ${process.versions.node}` };
  }
  if (step.with?.path !== undefined || step.with?.repository !== undefined) throw new Error('the emulator checks out only this repository into the workspace');
  const ref = step.with?.ref === undefined ? String((context.github as ExpressionObject).sha) : interpolate(String(step.with.ref), context);
  await new GitCli(options.workDir).run(['clone', '--quiet', '--no-checkout', options.origin, workspace]);
  const checkout = await new GitCli(workspace).tryRun(['checkout', '--quiet', '--detach', ref]);
  return checkout.ok ? { outcome: 'success', output: `checked out ${ref}` } : { outcome: 'failure', output: checkout.stderr };
}

function runShell(script: string, env: Record<string, string>, cwd: string): Promise<Omit<StepRecord, 'name'>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ outcome: code === 0 ? 'success' : 'failure', output }));
  });
}

/** An `npm` on PATH that turns `npm ci` into a link to the project's own installation. */
async function writeShims(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const npm = join(dir, 'npm');
  await writeFile(
    npm,
    [
      '#!/bin/sh',
      'if [ "$1" = ci ]; then',
      '  cmp -s package-lock.json "$EMULATOR_LOCKFILE" || { echo "emulator: package-lock.json differs from the installation it can link" >&2; exit 1; }',
      '  ln -sfn "$EMULATOR_NODE_MODULES" node_modules',
      '  exit 0',
      'fi',
      'exec $EMULATOR_REAL_NPM "$@"',
      '',
    ].join('\n'),
  );
  await chmod(npm, 0o755);
  return dir;
}
