import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { TaskSource } from '../../dataset/labelled-task.js';
import { redact, secretsFromEnv } from '../../redact.js';
import type { IngestResult } from '../../dataset/run-ingest.js';
import type { LabelStudioClient } from '../../label-studio/client.js';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';
import { runIdFromEnv } from '../../actions/run-id.js';

interface IngestFlags {
  dataset: string;
  export?: string;
  fromApi?: boolean;
  images?: string;
  skipImages?: boolean;
  weakLabels?: string;
  pullRequest?: boolean;
  base: string;
  push?: string;
  json?: boolean;
}

export function registerIngest(program: Command, context: CliContext): void {
  program
    .command('ingest')
    .description('turn a Label Studio export into the next dataset version (only tasks updated since the last one)')
    .requiredOption('--dataset <name>', 'dataset (datasets/<name>/dataset.yaml binds it to a project and taxonomy)')
    .option('--export <file>', 'a Label Studio JSON export on disk')
    .option('--from-api', 'download the project from Label Studio (LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY)')
    .option('--images <dir>', 'local folder holding the images (for /data/upload/… URLs and bare names)')
    .option('--skip-images', 'do not fetch images; every item is recorded with a missing image')
    .option('--weak-labels <file>', 'user tags, votes and swipes (.jsonl or .csv) to add beside the ground truth')
    .option('--pull-request', 'commit on cairn/ingest/<dataset>/<version> and open a pull request')
    .option('--base <ref>', 'branch the new version builds on', 'main')
    .option('--push <remote>', 'push the new commit or branch to this remote')
    .option('--json', 'print the result as JSON')
    .action(async (flags: IngestFlags) => {
      if (Boolean(flags.export) === Boolean(flags.fromApi)) throw new UsageError('give exactly one of --export <file> and --from-api', { options: ['--export', '--from-api'] });
      const dir = context.dir();
      const [{ RepoReader }, { exportFileSource, labelStudioImageFetcher }, { withProjectExport }, { paths }] = await Promise.all([
        import('../../store/repo-reader.js'),
        import('../../dataset/label-studio-source.js'),
        import('../../dataset/download-export.js'),
        import('../../artifacts/layout.js'),
      ]);
      const reader = new RepoReader(dir);
      const config = await reader.loadArtifact('DatasetConfig', flags.base, paths.datasetConfig(flags.dataset));
      const ingestFrom = async (source: TaskSource, client: LabelStudioClient | undefined) => {
        const missing: string[] = [];
        const fetchImage = flags.skipImages
          ? null
          : labelStudioImageFetcher({ localRoot: flags.images, client, projectId: config.label_studio.project, onMissing: (url, task, reason) => missing.push(redact(`task ${task}: ${url}: ${reason}`, secretsFromEnv())) });
        const weakLabels = flags.weakLabels ? { file: flags.weakLabels, text: await readFile(flags.weakLabels, 'utf8') } : undefined;
        const common = { dataset: flags.dataset, source, fetchImage, weakLabels, runId: runIdFromEnv(), now: () => new Date() };
        if (flags.pullRequest) {
          const [{ runIngestStage }, { forgeFromEnv }] = await Promise.all([import('../../dataset/run-ingest-stage.js'), import('../../forge/forge-from-env.js')]);
          const stage = await runIngestStage({ dir, reader, forge: await forgeFromEnv(dir), remote: flags.push }, { ...common, base: flags.base });
          return { result: stage.result, pullRequest: stage.pullRequest?.number ?? null, missing };
        }
        const { runIngest } = await import('../../dataset/run-ingest.js');
        return { result: await runIngest({ ...common, dir, reader, push: flags.push ? { remote: flags.push } : undefined }), pullRequest: null, missing };
      };
      // A downloaded export lives only as long as the ingestion that reads it.
      const { result, pullRequest, missing } = flags.fromApi
        ? await withProjectExport(config, (download) => ingestFrom(download.source, download.client))
        : await ingestFrom(exportFileSource(flags.export!), undefined);
      if (flags.json) return printJson(context.output, { ...result, pullRequest, missingImageDetails: missing });
      context.output.out(formatIngest(flags.dataset, result, pullRequest, missing));
    });
}

function formatIngest(dataset: string, result: IngestResult, pullRequest: number | null, missing: string[]): string {
  if (!result.version) return `${dataset}: nothing new in ${result.tasks} tasks; nothing written\n`;
  const lines = [
    `${dataset} ${result.version}: ${result.added} new, ${result.updated} corrected, from ${result.tasks} tasks (commit ${result.commit?.slice(0, 12)} on ${result.branch})`,
    ...(pullRequest ? [`pull request #${pullRequest} opened`] : []),
    ...(result.skipped.length ? [`${result.skipped.length} task(s) skipped: ${result.skipped.slice(0, 5).map((s) => `${s.taskId} (${s.reason})`).join(', ')}`] : []),
    ...(missing.length ? [`${missing.length} image(s) missing (kept, reported):`, ...missing.slice(0, 10).map((line) => `  ${line}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
