import type { VerifyResult } from './run-verify.js';

/** The job summary (GitHub-flavoured Markdown) of a verify run. */
export function renderVerifySummary(result: VerifyResult): string {
  const scope = result.baseCommit ? `\`${result.baseCommit.slice(0, 12)}..${result.commit.slice(0, 12)}\`` : `\`${result.commit.slice(0, 12)}\``;
  if (result.violations.length === 0) return `### cairn verify: clean\n\n${result.checkedFiles} files checked at ${scope}.\n`;
  const rows = result.violations.map((v) => `| \`${v.file}\` | ${v.rule} | ${escapeCell(v.message)} |`);
  return [
    `### cairn verify: ${result.violations.length} violation(s)`,
    '',
    `${result.checkedFiles} files checked at ${scope}.`,
    '',
    '| file | rule | what is wrong |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
