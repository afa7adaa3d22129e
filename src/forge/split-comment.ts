/** GitHub refuses a comment body longer than 65,536 characters; stay clear of it. */
export const COMMENT_LIMIT = 65_000;

/** A table (or list) that may be cut between rows: `open` is repeated at the top of each piece. */
export interface CommentSection {
  open: string[];
  rows: string[];
  close: string[];
}

/**
 * Packs a comment into as few parts as fit under `limit` characters each, cutting only between
 * rows of a section and repeating the section's opening lines (a table header, a `<details>`) in
 * every part it continues into. `head` starts the first part; `continued(i)` starts the others.
 */
export function splitComment(head: string[], sections: CommentSection[], continued: (part: number) => string, limit = COMMENT_LIMIT): string[] {
  const parts: string[][] = [[...head]];
  let size = length(head);
  const current = () => parts[parts.length - 1]!;
  const startPart = () => {
    const first = [continued(parts.length + 1), ''];
    parts.push(first);
    size = length(first);
  };

  for (const section of sections) {
    const fixed = length(section.open) + length(section.close);
    if (size + fixed + (section.rows[0]?.length ?? 0) + 1 > limit && current().length > head.length) startPart();
    current().push(...section.open);
    size += length(section.open);
    for (const row of section.rows) {
      if (size + row.length + 1 + length(section.close) > limit) {
        current().push(...section.close);
        startPart();
        current().push(...section.open);
        size += length(section.open);
      }
      if (size + row.length + 1 + length(section.close) > limit) throw new RangeError(`one row of ${row.length} characters cannot fit in a comment of ${limit}`);
      current().push(row);
      size += row.length + 1;
    }
    current().push(...section.close);
    size += length(section.close);
  }
  return parts.map((lines) => lines.join('\n'));
}

function length(lines: string[]): number {
  return lines.reduce((total, line) => total + line.length + 1, 0);
}
