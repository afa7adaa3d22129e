/** One measured figure. Ratios are measured against a baseline in the same process and run. */
export interface BenchFigure {
  label: string;
  value: number;
  unit: string;
  /** The target from the issue, e.g. "<= 0.2", shown beside the figure. */
  target?: string;
  /** Whether the figure meets its target (omitted when there is no target). */
  ok?: boolean;
}

export interface BenchReport {
  name: string;
  figures: BenchFigure[];
  notes?: string[];
}

/** Every `bench/*.bench.ts` exports `bench()`; `bench/run.ts` runs them in turn and prints a table. */
export type Bench = (options: { quick: boolean }) => Promise<BenchReport>;
