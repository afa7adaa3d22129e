import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { formatJsonFile } from '../src/artifacts/canonical-json.js';
import { buildArtifact } from '../src/artifacts/codec.js';
import { paths } from '../src/artifacts/layout.js';
import { readPackagedThresholds } from '../src/init/run-init.js';
import { GitCli } from '../src/store/git-cli.js';
import { contentBytes, type FileWrite } from '../src/store/commit-files.js';
import { datasetFiles, gateFile, modelVersionFiles, ref, taxonomyFile } from '../test/helpers/builders.js';

export interface GeneratedRepo {
  dir: string;
  models: number;
  versionsPerModel: number;
  commits: number;
}

/**
 * A model repository with `models × versionsPerModel` model versions, written through
 * `git fast-import` (seconds instead of hours). Every version is a real, verifiable set of
 * artifacts (manifest, weights, metrics, gate) and every rollout change is its own commit.
 * `versionsPerCommit` > 1 packs several versions and rollout moves into one commit, giving the
 * same final tree with a shorter history.
 */
export async function generateRepo(dir: string, options: { models: number; versionsPerModel: number; versionsPerCommit: number }): Promise<GeneratedRepo> {
  const { models, versionsPerModel, versionsPerCommit } = options;
  const marker = `${dir}/.generated`;
  const commitsExpected = 1 + (2 * models * versionsPerModel) / versionsPerCommit;
  if (existsSync(marker)) return { dir, models, versionsPerModel, commits: commitsExpected };
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const cli = new GitCli(dir);
  await cli.run(['init', '--quiet', '--initial-branch=main']);
  await cli.run(['config', 'user.name', 'bench']);
  await cli.run(['config', 'user.email', 'bench@example.test']);

  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
  let time = 1_700_000_000;
  let commits = 0;
  const write = (chunk: string | Buffer) => (child.stdin.write(chunk) ? Promise.resolve() : new Promise<void>((r) => child.stdin.once('drain', () => r())));
  const commit = async (message: string, files: FileWrite[]) => {
    const head = `commit refs/heads/main\ncommitter bench <bench@example.test> ${time++} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`;
    await write(head);
    for (const file of files) {
      const bytes = contentBytes(file.content);
      await write(`M 100644 inline ${file.path}\ndata ${bytes.length}\n`);
      await write(bytes);
      await write('\n');
    }
    commits++;
  };

  const taxonomy = taxonomyFile();
  const dataset = datasetFiles('demo', 'ds-1', taxonomy);
  const thresholds = await readPackagedThresholds();
  const gating = thresholds.find((file) => file.path === paths.thresholds('gating'))!;
  await commit('seed', [taxonomy, ...dataset, ...thresholds]);

  let pendingVersions: FileWrite[] = [];
  let pendingRollouts = new Map<string, FileWrite>();
  let batched = 0;
  const production = new Map<string, { path: string; sha256: string }>();
  for (let v = 1; v <= versionsPerModel; v++) {
    for (let m = 0; m < models; m++) {
      const model = `model-${String(m).padStart(3, '0')}`;
      const version = `1.${v}.0`;
      const files = modelVersionFiles(model, version, { taxonomy, datasetManifest: dataset[0]! });
      const gate = gateFile(model, version, { manifest: files[0]!, metrics: files[2]!, thresholds: gating, datasetManifest: dataset[0]! }, 'approve');
      const rollout = buildArtifact('RolloutState', {
        model,
        production: production.has(model) ? { model_version: `1.${v - 1}.0`, manifest: production.get(model)!, gate: null, approval: null, since: new Date(time * 1000).toISOString() } : null,
        previous: null,
        candidate: { model_version: version, manifest: ref(files[0]!), gate: ref(gate), stages: [5, 25, 100], percent: 5, approval: null, since: new Date(time * 1000).toISOString() },
        action: 'start',
        shadow: null,
        kill_switch: false,
        pinned: null,
        updated_at: new Date(time * 1000).toISOString(),
        reason: `start rollout of ${version}`,
      });
      production.set(model, ref(files[0]!));
      pendingVersions.push(...files, gate);
      pendingRollouts.set(model, { path: paths.rollout(model), content: formatJsonFile(rollout) });
      if (++batched === versionsPerCommit) {
        await commit(`add ${batched} model version(s)`, pendingVersions);
        await commit(`roll out ${batched} model version(s)`, [...pendingRollouts.values()]);
        pendingVersions = [];
        pendingRollouts = new Map();
        batched = 0;
      }
    }
  }
  if (batched > 0) {
    await commit(`add ${batched} model version(s)`, pendingVersions);
    await commit(`roll out ${batched} model version(s)`, [...pendingRollouts.values()]);
  }
  await write('done\n');
  child.stdin.end();
  await done;
  await cli.run(['reset', '--quiet', '--hard', 'main']);
  await cli.run(['repack', '-a', '-d', '-q']);
  await writeFile(marker, String(commits));
  return { dir, models, versionsPerModel, commits };
}
