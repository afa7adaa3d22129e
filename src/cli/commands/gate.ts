import type { Command } from 'commander';
import type { GateResult } from '../../gate/run-gate.js';
import type { CliContext } from '../context.js';
import { modelContext } from '../../registry/model-context.js';
import { printJson } from '../output.js';
import { progressBars } from '../progress.js';
import { runIdFromEnv } from '../../actions/run-id.js';

interface GateFlags {
  images?: string;
  ref: string;
  base?: string;
  branch?: string;
  push?: string;
  dryRun?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export function registerGate(program: Command, context: CliContext): void {
  program
    .command('gate')
    .description('decide whether a model version may roll out: against production on its test split, rule by rule; commits gate.json')
    .argument('<model>', 'model name, or the version when the registry holds one model')
    .argument('[version]', 'model version (major.minor.patch)')
    .option('--images <dir>', 'local folder holding the dataset images (default: fetch them as ingestion did)')
    .option('--ref <ref>', 'read the candidate at this ref', 'HEAD')
    .option('--base <ref>', 'read production and thresholds/gating.yaml at this ref (default: --ref)')
    .option('--branch <branch>', 'commit on this branch (default: the checked-out branch)')
    .option('--push <remote>', 'push the commit to this remote')
    .option('--dry-run', 'decide and print; write nothing')
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the decision as JSON')
    .action(async (first: string, second: string | undefined, flags: GateFlags) => {
      const [{ RepoReader }, { resolveModelVersion }, { UsageError }, { runGate }] = await Promise.all([
        import('../../store/repo-reader.js'),
        import('../resolve-model-version.js'),
        import('../../errors.js'),
        import('../../gate/run-gate.js'),
      ]);
      const dir = context.dir();
      const reader = new RepoReader(dir);
      const { model, version } = await resolveModelVersion(reader, flags.ref, first, second);
      if (!version) throw new UsageError('name the model version to gate', { model });
      const { readImage } = await modelContext(reader, flags.base ?? flags.ref, model, flags.images);
      const bars = progressBars({ quiet: Boolean(flags.quiet || flags.json) });
      const result = await runGate(
        { dir, reader, readImage },
        {
          model,
          version,
          ref: flags.ref,
          ...(flags.base ? { baseRef: flags.base } : {}),
          ...(flags.branch ? { branch: flags.branch } : {}),
          ...(flags.push ? { push: { remote: flags.push } } : {}),
          dryRun: Boolean(flags.dryRun),
          runId: runIdFromEnv(),
          now: () => new Date(),
          onProgress: (p) => bars.update('production', p.done, p.total),
        },
      ).finally(() => bars.stop());
      if (flags.json) return printJson(context.output, { outcome: result.outcome, path: result.path, commit: result.commit, branch: result.branch, decision: result.decision });
      context.output.out(await formatGate(result));
    });
}

async function formatGate(result: GateResult): Promise<string> {
  const [{ DECISION_MEANING }, { formatGateRules }] = await Promise.all([import('../../gate/gate-comment.js'), import('../../gate/format-gate-rules.js')]);
  const { decision } = result;
  const split = decision.test_split;
  const baseline = !decision.baseline
    ? 'no production model: judged on absolute thresholds alone'
    : `compared with production ${decision.baseline.model_version}${decision.baseline.comparable ? '' : ' (another taxonomy: not comparable, a review is required)'}`;
  const written = {
    written: `committed ${result.path} as ${result.commit?.slice(0, 12)} on ${result.branch}`,
    unchanged: `${result.path} already records this decision: nothing written`,
    planned: 'dry run: nothing written',
  }[result.outcome];
  return [
    `${decision.model} ${decision.model_version}: ${decision.decision} (${DECISION_MEANING[decision.decision]})`,
    `${baseline}; test split ${split.dataset} ${split.dataset_version} (${split.items} items); ${decision.thresholds.path} sha256 ${decision.thresholds.sha256.slice(0, 12)}`,
    written,
    '',
    ...formatGateRules(decision.rules),
    '',
  ].join('\n');
}
