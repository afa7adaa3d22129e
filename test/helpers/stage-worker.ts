// A separate process that runs stages, so tests can race two writers or kill one mid-write.
//   tsx stage-worker.ts push <clone> <prefix> <rounds>   one pushed stage per round
//   tsx stage-worker.ts bulk <dir> <prefix> <files>      one stage writing many files
import { commitStage } from '../../src/store/stage-writer.js';
import { taxonomyFile } from './builders.js';

const [mode, dir, prefix, countText] = process.argv.slice(2);
const count = Number(countText);

if (mode === 'push') {
  for (let round = 0; round < count; round++) {
    const result = await commitStage({
      dir: dir!,
      stage: 'race',
      runId: `${prefix}-${round}`,
      plan: () => ({ subject: `race ${prefix} ${round}`, files: [taxonomyFile(`${prefix}-${round}`)] }),
      push: { maxAttempts: 60, backoffMs: 5 },
    });
    process.stdout.write(`${round} ${result.attempts}\n`);
  }
} else if (mode === 'bulk') {
  const files = Array.from({ length: count }, (_, i) => taxonomyFile(`${prefix}-${i}`));
  await commitStage({ dir: dir!, stage: 'bulk', runId: prefix!, plan: () => ({ subject: `bulk ${prefix}`, files }) });
  process.stdout.write('done\n');
} else {
  throw new Error(`unknown mode ${mode}`);
}
