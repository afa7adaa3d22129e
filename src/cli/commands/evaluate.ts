import type { Command } from 'commander';
import { formatMetric } from '../../registry/format-metric.js';
import type { CliContext } from '../context.js';
import { modelContext } from '../../registry/model-context.js';
import { printJson } from '../output.js';
import { progressBars } from '../progress.js';
import { runIdFromEnv } from '../../actions/run-id.js';

interface EvaluateFlags {
  onnx?: string;
  datasetVersion?: string;
  images?: string;
  ref: string;
  quiet?: boolean;
  json?: boolean;
}

interface CalibrateFlags {
  from: string;
  datasetVersion?: string;
  images?: string;
  base: string;
  branch?: string;
  push?: string;
  quiet?: boolean;
  json?: boolean;
}

export function registerEvaluate(program: Command, context: CliContext): void {
  program
    .command('evaluate')
    .description("measure a model version (or an unregistered ONNX file) on a dataset version's test split; writes nothing")
    .argument('<model>', 'model name (its model.yaml names the dataset), or the version when the registry holds one model')
    .argument('[version]', 'model version (major.minor.patch); or give --onnx')
    .option('--onnx <file>', 'an ONNX file that follows the model contract, not registered yet')
    .option('--dataset-version <version>', 'use this dataset version (default: the newest)')
    .option('--images <dir>', 'local folder holding the dataset images (default: fetch them as ingestion did)')
    .option('--ref <ref>', 'read the registry and datasets at this ref', 'HEAD')
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the metrics as JSON')
    .action(async (first: string, second: string | undefined, flags: EvaluateFlags) => {
      const [{ RepoReader }, { resolveModelVersion }, { UsageError }] = await Promise.all([import('../../store/repo-reader.js'), import('../resolve-model-version.js'), import('../../errors.js')]);
      const reader = new RepoReader(context.dir());
      const { model, version } = await resolveModelVersion(reader, flags.ref, first, second);
      if (Boolean(version) === Boolean(flags.onnx)) {
        throw new UsageError('give exactly one of a model version and --onnx <file>', { options: ['<version>', '--onnx'] });
      }
      const { readImage } = await modelContext(reader, flags.ref, model, flags.images);
      const [{ runEvaluate }, { formatMetricsTable }] = await Promise.all([import('../../registry/run-evaluate.js'), import('../../registry/run-train-stage.js')]);
      const bars = progressBars({ quiet: Boolean(flags.quiet || flags.json) });
      const result = await runEvaluate({
        reader,
        ref: flags.ref,
        model,
        ...(version ? { version } : { onnxFile: flags.onnx! }),
        ...(flags.datasetVersion ? { datasetVersion: flags.datasetVersion } : {}),
        readImage,
        onProgress: (p) => bars.update(p.phase, p.done, p.total),
      }).finally(() => bars.stop());
      if (flags.json) return printJson(context.output, { model, subject: result.subject, dataset: result.dataset, ...result.evaluation });
      const { metrics, counts, notes } = result.evaluation;
      const table = formatMetricsTable({ classification: metrics.classification, detection: metrics.detection, calibration: metrics.calibration, bias: metrics.bias } as Parameters<typeof formatMetricsTable>[0]);
      context.output.out(
        `${model} ${result.subject} on ${result.dataset.name} ${result.dataset.version}, test split (${counts.items} items, ${counts.classified} with an image class):\n\n${table.join('\n')}\n${notes.map((note) => `\nnote: ${note}`).join('')}\n`,
      );
    });

  program
    .command('calibrate')
    .description('fit a new calibration of the same weights on a dataset version and register it as the next patch version')
    .argument('<model>', 'model name')
    .requiredOption('--from <version>', 'the model version whose weights are recalibrated')
    .option('--dataset-version <version>', 'fit on this dataset version (default: the newest validated one)')
    .option('--images <dir>', 'local folder holding the dataset images (default: fetch them as ingestion did)')
    .option('--base <ref>', 'read the registry and datasets at this ref', 'HEAD')
    .option('--branch <branch>', 'commit on this branch (default: the checked-out branch)')
    .option('--push <remote>', 'push the commit to this remote')
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the result as JSON')
    .action(async (model: string, flags: CalibrateFlags) => {
      const dir = context.dir();
      const { RepoReader } = await import('../../store/repo-reader.js');
      const reader = new RepoReader(dir);
      const { readImage, codeCommit } = await modelContext(reader, flags.base, model, flags.images);
      const { runCalibrate } = await import('../../registry/run-calibrate.js');
      const bars = progressBars({ quiet: Boolean(flags.quiet || flags.json) });
      const result = await runCalibrate({
        dir,
        reader,
        model,
        from: flags.from,
        base: flags.base,
        readImage,
        codeCommit,
        runId: runIdFromEnv(),
        now: () => new Date(),
        ...(flags.datasetVersion ? { datasetVersion: flags.datasetVersion } : {}),
        ...(flags.branch ? { branch: flags.branch } : {}),
        ...(flags.push ? { push: { remote: flags.push } } : {}),
        onProgress: (p) => bars.update(p.phase, p.done, p.total),
      }).finally(() => bars.stop());
      if (flags.json) return printJson(context.output, result);
      context.output.out(
        `${model} ${result.version}: the weights of ${result.from}, recalibrated on ${result.calibration.fitted_on.dataset_version}: test ECE ${formatMetric(result.calibration.ece_before)} → ${formatMetric(result.calibration.ece_after)}; committed ${result.commit.slice(0, 12)} on ${result.branch}\n`,
      );
    });
}
