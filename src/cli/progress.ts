import cliProgress from 'cli-progress';

/** Reports a long step's progress: one bar per phase (decode and extract features, fit heads, evaluate). */
export interface ProgressReporter {
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

const LABELS: Record<string, string> = {
  features: 'extract features',
  heads: 'fit heads',
  model: 'build model',
  trainer: 'external trainer',
  evaluate: 'evaluate (test split)',
  calibrate: 'calibrate (val split)',
};

/**
 * Progress bars on stderr (cli-progress): redrawn in place on a terminal; on a CI log, a line every
 * few seconds instead. `quiet` reports nothing.
 */
export function progressBars(options: { stream?: NodeJS.WriteStream; quiet?: boolean } = {}): ProgressReporter {
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  const stream = options.stream ?? process.stderr;
  let bar: cliProgress.SingleBar | null = null;
  let current: string | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
    current = null;
  };
  return {
    update(phase, done, total) {
      if (phase !== current) {
        stop();
        current = phase;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${(LABELS[phase] ?? phase).padEnd(22)} [{bar}] {value}/{total} {percentage}% {duration_formatted}`,
            hideCursor: true,
            noTTYOutput: !stream.isTTY,
            notTTYSchedule: 5000,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), 0);
      }
      bar!.setTotal(Math.max(total, 1));
      bar!.update(done);
    },
    stop,
  };
}
