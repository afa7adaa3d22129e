// `npm run bench [-- --quick] [name...]`: runs each benchmark in turn and prints its figures.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import type { Bench, BenchReport } from './types.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((arg) => !arg.startsWith('--'));
const dir = new URL('./', import.meta.url).pathname;
const names = (await readdir(dir)).filter((file) => file.endsWith('.bench.ts')).map((file) => file.replace(/\.bench\.ts$/, '')).sort();
const reports: BenchReport[] = [];

for (const name of names.filter((n) => only.length === 0 || only.includes(n))) {
  const { bench } = (await import(`./${name}.bench.ts`)) as { bench: Bench };
  process.stdout.write(`\n${name}${quick ? ' (quick)' : ''}\n`);
  const report = await bench({ quick });
  reports.push(report);
  for (const figure of report.figures) {
    const value = figure.value >= 100 ? figure.value.toFixed(0) : figure.value.toPrecision(3);
    const target = figure.target ? `  target ${figure.target} ${figure.ok ? 'met' : 'MISSED'}` : '';
    process.stdout.write(`  ${figure.label}: ${value} ${figure.unit}${target}\n`);
  }
  for (const note of report.notes ?? []) process.stdout.write(`  note: ${note}\n`);
}
await mkdir(new URL('../.bench/', import.meta.url), { recursive: true });
await writeFile(new URL('../.bench/results.json', import.meta.url), `${JSON.stringify(reports, null, 2)}\n`);
