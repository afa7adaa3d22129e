import { InvalidArgumentError, type Command } from 'commander';
import { redact, secretsFromEnv } from '../../redact.js';
import type { TrainProgress, TrainResult } from '../../registry/run-train.js';
import type { CliContext } from '../context.js';
import { formatTrain } from '../format-train.js';
import { EXIT } from '../exit-code.js';
import { printJson } from '../output.js';
import { progressBars } from '../progress.js';
import { modelContext } from '../../registry/model-context.js';
import { runIdFromEnv } from '../../actions/run-id.js';

interface TrainFlags {
  datasetVersion?: string;
  images?: string;
  base: string;
  branch?: string;
  pullRequest?: boolean;
  push?: string;
  trainerTimeout?: number;
  quiet?: boolean;
  json?: boolean;
}

interface ReproduceFlags {
  images?: string;
  ref: string;
  trainerTimeout?: number;
  quiet?: boolean;
  json?: boolean;
}

export function registerTrain(program: Command, context: CliContext): void {
  program
    .command('train')
    .description('train the next version of a model on its newest validated dataset version, evaluate it and register it')
    .argument('<model>', 'model (registry/<model>/model.yaml names its dataset, taxonomy and trainer)')
    .option('--dataset-version <version>', 'train on this dataset version (default: the newest)')
    .option('--images <dir>', 'local folder holding the dataset images (default: fetch them as ingestion did)')
    .option('--base <ref>', 'read the model config, dataset and registry at this ref', 'HEAD')
    .option('--branch <branch>', 'commit on this branch (default: the checked-out branch)')
    .option('--pull-request', 'commit on cairn/train/<model>/<version> and open a pull request')
    .option('--push <remote>', 'push the commit or branch to this remote')
    .option(TRAINER_TIMEOUT, TRAINER_TIMEOUT_HELP, parseMinutes)
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the result as JSON')
    .action(async (model: string, flags: TrainFlags) => {
      const dir = context.dir();
      const { RepoReader } = await import('../../store/repo-reader.js');
      const reader = new RepoReader(dir);
      const { readImage, codeCommit } = await modelContext(reader, flags.base, model, flags.images);
      const bars = progressBars({ quiet: Boolean(flags.quiet || flags.json) });
      const secrets = secretsFromEnv();
      // Ctrl-C reaches an external trainer's process group only through this signal.
      const interrupt = new AbortController();
      const stop = () => interrupt.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const common = {
        dir,
        reader,
        model,
        base: flags.base,
        readImage,
        codeCommit,
        runId: runIdFromEnv(),
        now: () => new Date(),
        onProgress: (p: TrainProgress) => bars.update(p.phase, p.done, p.total),
        // An external trainer inherits the environment; what it prints is shown without the secrets it holds.
        onLog: (line: string) => context.output.err(`trainer: ${redact(line, secrets)}\n`),
        signal: interrupt.signal,
        ...(flags.datasetVersion ? { datasetVersion: flags.datasetVersion } : {}),
        ...(flags.trainerTimeout === undefined ? {} : { trainerTimeoutMs: flags.trainerTimeout * 60_000 }),
      };
      let result: TrainResult;
      let pullRequest: number | null = null;
      try {
        if (flags.pullRequest) {
          const [{ runTrainStage }, { forgeFromEnv }] = await Promise.all([import('../../registry/run-train-stage.js'), import('../../forge/forge-from-env.js')]);
          const stage = await runTrainStage({ forge: await forgeFromEnv(dir), ...(flags.push ? { remote: flags.push } : {}) }, common);
          result = stage.result;
          pullRequest = stage.pullRequest?.number ?? null;
        } else {
          const { runTrain } = await import('../../registry/run-train.js');
          result = await runTrain({ ...common, ...(flags.branch ? { branch: flags.branch } : {}), ...(flags.push ? { push: { remote: flags.push } } : {}) });
        }
      } finally {
        bars.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      if (flags.json) return printJson(context.output, { ...result, pullRequest });
      context.output.out(formatTrain(result, pullRequest));
    });

  program
    .command('reproduce')
    .description('retrain a model version from its manifest and compare the sha256 of the new model with the recorded one')
    .argument('<model>', 'model name, or the version when the registry holds one model')
    .argument('[version]', 'model version (major.minor.patch)')
    .option('--images <dir>', 'local folder holding the dataset images (default: fetch them as ingestion did)')
    .option('--ref <ref>', 'read the registry at this ref', 'HEAD')
    .option(TRAINER_TIMEOUT, TRAINER_TIMEOUT_HELP, parseMinutes)
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the result as JSON')
    .action(async (first: string, second: string | undefined, flags: ReproduceFlags) => {
      const dir = context.dir();
      const [{ RepoReader }, { resolveModelVersion }, { UsageError }] = await Promise.all([import('../../store/repo-reader.js'), import('../resolve-model-version.js'), import('../../errors.js')]);
      const reader = new RepoReader(dir);
      const { model, version } = await resolveModelVersion(reader, flags.ref, first, second);
      if (!version) throw new UsageError(`name the version of ${model} to reproduce`, { model });
      const { readImage, codeCommit } = await modelContext(reader, flags.ref, model, flags.images);
      const { runReproduce } = await import('../../registry/run-reproduce.js');
      const bars = progressBars({ quiet: Boolean(flags.quiet || flags.json) });
      const result = await runReproduce({
        dir,
        reader,
        ref: flags.ref,
        model,
        version,
        readImage,
        codeCommit,
        onProgress: (phase, done, total) => bars.update(phase, done, total),
        ...(flags.trainerTimeout === undefined ? {} : { trainerTimeoutMs: flags.trainerTimeout * 60_000 }),
      }).finally(() => bars.stop());
      context.setExitCode(result.identical ? EXIT.ok : EXIT.violations);
      if (flags.json) return printJson(context.output, result);
      const verdict = result.identical ? 'reproduced: byte-identical' : 'NOT reproduced: the retrained model differs';
      const code = result.codeCommit.recorded === result.codeCommit.now ? '' : `\n  code: trained by ${result.codeCommit.recorded}, retrained by ${result.codeCommit.now}`;
      context.output.out(`${model} ${version}: ${verdict}\n  recorded sha256 ${result.expected}\n  retrained sha256 ${result.actual}\n  ${result.trainer} on ${result.dataset.name} ${result.dataset.version}, ${result.seconds.toFixed(1)} s${code}\n`);
    });
}

const TRAINER_TIMEOUT = '--trainer-timeout <minutes>';
const TRAINER_TIMEOUT_HELP = 'kill an external trainer (its whole process group) that runs longer than this; nothing is written';

function parseMinutes(value: string): number {
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new InvalidArgumentError('must be a positive number of minutes');
  return minutes;
}
