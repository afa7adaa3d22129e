import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { ModelVersionSummary } from '../../registry/read-registry.js';
import type { CliContext } from '../context.js';
import { formatModelLine } from '../format-model-line.js';
import { printJson } from '../output.js';

export function registerModels(program: Command, context: CliContext): void {
  const models = program.command('models').description('the model registry (registry/)');
  const load = async () => {
    const [{ RepoReader }, registry] = await Promise.all([import('../../store/repo-reader.js'), import('../../registry/read-registry.js')]);
    return { reader: new RepoReader(context.dir()), registry };
  };

  models
    .command('list')
    .description('every model version, with its macro F1, AP50, gate decision and place in the rollout')
    .argument('[model]', 'only this model')
    .option('--ref <ref>', 'read the registry at this ref', 'HEAD')
    .option('--json', 'print as JSON')
    .action(async (only: string | undefined, options: { ref: string; json?: boolean }) => {
      const { reader, registry } = await load();
      const summaries: ModelVersionSummary[] = [];
      for (const model of only ? [only] : await registry.listModels(reader, options.ref)) {
        for (const version of await registry.listModelVersions(reader, options.ref, model)) {
          summaries.push(await registry.readModelVersion(reader, options.ref, model, version.toString()));
        }
      }
      if (options.json) return printJson(context.output, summaries.map(({ manifest, ...rest }) => ({ ...rest, created_at: manifest.created_at, dataset: manifest.dataset.version })));
      if (summaries.length === 0) return context.output.out('no model versions\n');
      context.output.out(summaries.map(formatModelLine).join(''));
    });

  models
    .command('show')
    .description('one model version: lineage, files, metrics, gate decision')
    .argument('<model>', 'model name, or the version when the registry holds one model')
    .argument('[version]', 'model version (major.minor.patch)')
    .option('--ref <ref>', 'read the registry at this ref', 'HEAD')
    .action(async (first: string, second: string | undefined, options: { ref: string }) => {
      const { reader, registry } = await load();
      const { resolveModelVersion } = await import('../resolve-model-version.js');
      const { model, version } = await resolveModelVersion(reader, options.ref, first, second);
      if (!version) throw new UsageError(`name the version of ${model} to show`, { model });
      printJson(context.output, await registry.readModelVersion(reader, options.ref, model, version));
    });
}
