/**
 * Finds the pull request a commit came from, from the forms its message can take: GitHub's and
 * the local forge's merge commits ("Merge pull request #12 from …"), squash merges ("Title (#12)")
 * and cairn's own trailer ("Cairn-PR: 12").
 */
export function parsePullRequestNumber(message: string): number | null {
  const patterns = [/^Merge pull request #(\d+) /m, /^Cairn-PR: #?(\d+)\s*$/m, /^[^\n]*\(#(\d+)\)\s*$/m];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match) return Number(match[1]);
  }
  return null;
}

/** Subject of a commit made by `git revert` or GitHub's Revert button. */
export function isRevertMessage(message: string): boolean {
  return /^Revert "/.test(message) || /^This reverts commit [0-9a-f]{7,40}/m.test(message);
}
