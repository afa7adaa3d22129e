import type { GateRule } from './decide-gate.js';

const HEADER = ['rule', 'metric', 'value', 'threshold', 'outcome', 'note'] as const;

/** One rule's cells as every printer shows them: `—` where nothing was measured or no limit applies. */
export function gateRuleCells(rule: Pick<GateRule, 'rule' | 'metric' | 'value' | 'threshold' | 'comparator' | 'outcome' | 'note'>): string[] {
  const value = rule.value === null ? '—' : rule.value.toFixed(4);
  const threshold = rule.threshold === null ? '—' : `${rule.comparator} ${rule.threshold}`;
  return [rule.rule, rule.metric, value, threshold, rule.outcome, rule.note ?? ''];
}

/** The rules as an aligned plain-text table, for the terminal. */
export function formatGateRules(rules: readonly GateRule[]): string[] {
  const rows = [[...HEADER], ...rules.map(gateRuleCells)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
}

/** The rules as a Markdown table, for a pull request comment and a job summary. */
export function formatGateRulesMarkdown(rules: readonly GateRule[]): string[] {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rules.map((rule) => {
      const cells = gateRuleCells(rule).map(escape);
      if (rule.outcome !== 'pass' && rule.outcome !== 'skipped') cells[4] = `**${cells[4]}**`;
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}
