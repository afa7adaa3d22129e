import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-code.js';
import { printJson } from '../output.js';

export function registerTaxonomy(program: Command, context: CliContext): void {
  const taxonomy = program.command('taxonomy').description('versioned taxonomies (datasets/taxonomies/)');
  taxonomy
    .command('check')
    .description("compare a taxonomy with a Label Studio project's label config, before any ingestion")
    .requiredOption('--taxonomy <version>', 'taxonomy version, e.g. taxonomy_v1')
    .requiredOption('--label-config <file>', "the project's label config (XML)")
    .option('--ref <ref>', 'read the taxonomy at this ref', 'HEAD')
    .option('--json', 'print the differences as JSON')
    .action(async (options: { taxonomy: string; labelConfig: string; ref: string; json?: boolean }) => {
      const [{ RepoReader }, { paths }, { parseLabelConfig }, { compareTaxonomy }] = await Promise.all([
        import('../../store/repo-reader.js'),
        import('../../artifacts/layout.js'),
        import('../../label-studio/label-config.js'),
        import('../../label-studio/compare-taxonomy.js'),
      ]);
      const artifact = await new RepoReader(context.dir()).loadArtifact('Taxonomy', options.ref, paths.taxonomy(options.taxonomy));
      const config = parseLabelConfig(await readFile(options.labelConfig, 'utf8'), options.labelConfig);
      const differences = compareTaxonomy(artifact, config);
      if (options.json) printJson(context.output, differences);
      else if (differences.length === 0) context.output.out(`${options.taxonomy} matches ${options.labelConfig}\n`);
      else context.output.out(`${options.taxonomy} differs from ${options.labelConfig}:\n${differences.map((d) => `  ${d.message}`).join('\n')}\n`);
      context.setExitCode(differences.length === 0 ? EXIT.ok : EXIT.violations);
    });
}
