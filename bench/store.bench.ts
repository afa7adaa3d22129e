import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { paths } from '../src/artifacts/layout.js';
import { RepoReader } from '../src/store/repo-reader.js';
import { commitStage } from '../src/store/stage-writer.js';
import { GitCli } from '../src/store/git-cli.js';
import { runVerify } from '../src/verify/run-verify.js';
import { modelVersionFiles, taxonomyFile, datasetFiles } from '../test/helpers/builders.js';
import { generateRepo } from './generate-repo.js';
import type { Bench } from './types.js';

const ROOT = new URL('../.bench/', import.meta.url).pathname;

/** Median of `rounds` timings of `fn`, in milliseconds. */
async function median(rounds: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export const bench: Bench = async ({ quick }) => {
  const models = 100;
  const versionsPerModel = quick ? 10 : 100;
  const large = await generateRepo(join(ROOT, `repo-${models}x${versionsPerModel}-long`), { models, versionsPerModel, versionsPerCommit: 1 });
  const short = await generateRepo(join(ROOT, `repo-${models}x${versionsPerModel}-short`), { models, versionsPerModel, versionsPerCommit: (models * versionsPerModel) / 500 });
  const rollout = paths.rollout('model-042');
  const rounds = quick ? 30 : 200;

  const gitShow = await median(Math.min(rounds, 50), () => execFileSync('git', ['show', `HEAD:${rollout}`], { cwd: large.dir }));
  const readers = { long: new RepoReader(large.dir), short: new RepoReader(short.dir) };
  const coldStart = performance.now();
  await new RepoReader(large.dir).readArtifact('RolloutState', 'HEAD', rollout);
  const cold = performance.now() - coldStart;
  await readers.long.readArtifact('RolloutState', 'HEAD', rollout);
  await readers.short.readArtifact('RolloutState', 'HEAD', rollout);
  // Interleaved, so that machine noise falls on both repositories alike.
  const long: number[] = [];
  const shortTimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    long.push(await median(5, () => readers.long.readArtifact('RolloutState', 'HEAD', rollout)));
    shortTimes.push(await median(5, () => readers.short.readArtifact('RolloutState', 'HEAD', rollout)));
  }
  const inProcessLong = long.sort((a, b) => a - b)[rounds >> 1]!;
  const inProcessShort = shortTimes.sort((a, b) => a - b)[rounds >> 1]!;

  // verify --base on a branch that adds one model version
  const cli = new GitCli(large.dir);
  await cli.run(['checkout', '--quiet', '-B', 'bench-change', 'main']);
  const taxonomy = taxonomyFile();
  const dataset = datasetFiles('demo', 'ds-1', taxonomy);
  await commitStage({
    dir: large.dir,
    stage: 'bench',
    runId: 'bench',
    plan: () => ({ subject: 'add one version', files: modelVersionFiles('model-042', '2.0.0', { taxonomy, datasetManifest: dataset[0]! }) }),
  });
  const verifyStart = performance.now();
  const result = await runVerify({ reader: new RepoReader(large.dir), base: 'main', ref: 'HEAD' });
  const verifySeconds = (performance.now() - verifyStart) / 1000;
  const cliStart = performance.now();
  execFileSync(process.execPath, [new URL('../bin/cairn.js', import.meta.url).pathname, '-C', large.dir, 'verify', '--base', 'main'], { stdio: 'ignore' });
  const cliSeconds = (performance.now() - cliStart) / 1000;
  await cli.run(['checkout', '--quiet', 'main']);
  await cli.run(['branch', '--quiet', '-D', 'bench-change']);
  if (result.violations.length > 0) throw new Error(`bench change should verify clean: ${JSON.stringify(result.violations)}`);

  const ratio = inProcessLong / gitShow;
  const historyRatio = inProcessLong / inProcessShort;
  return {
    name: 'store',
    figures: [
      { label: `rollout read at HEAD, in-process / git show (${large.commits} commits, ${models * versionsPerModel} versions)`, value: ratio, unit: 'ratio', target: '<= 0.2', ok: ratio <= 0.2 },
      { label: `same read, ${large.commits} commits / ${short.commits} commits of history`, value: historyRatio, unit: 'ratio', target: '<= 1.5', ok: historyRatio <= 1.5 },
      { label: 'in-process read (median)', value: inProcessLong * 1000, unit: 'µs' },
      { label: 'git show HEAD:<path> (median)', value: gitShow, unit: 'ms' },
      { label: 'first read by a new reader (pack index load)', value: cold, unit: 'ms' },
      { label: 'verify --base, one added model version (in-process)', value: verifySeconds, unit: 's', target: '<= 2', ok: verifySeconds <= 2 },
      { label: 'cairn verify --base, whole CLI process', value: cliSeconds, unit: 's', target: '<= 2', ok: cliSeconds <= 2 },
    ],
    notes: [`${models} models × ${versionsPerModel} versions; history: one commit per version and one per rollout move`],
  };
};
