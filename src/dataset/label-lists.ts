/**
 * One shared copy of each distinct list of labels. A dataset's items repeat a handful of
 * combinations ("circle", "square + ring"…), and a version held in memory while it is planned
 * would otherwise keep a list per item, megabytes for 100,000 items. The lists are frozen.
 */
export class LabelLists {
  private readonly lists = new Map<string, readonly string[]>();

  constructor(private readonly limit = 10_000) {}

  /** The shared list equal to `labels` (a copy is kept the first time); past `limit` lists, `labels` itself. */
  share(labels: readonly string[]): readonly string[] {
    if (labels.length === 0) return NO_LABELS;
    // Labels are names ("Name" in the schemas): no newline, so the key is unambiguous.
    const key = labels.length === 1 ? labels[0]! : labels.join('\n');
    const known = this.lists.get(key);
    if (known) return known;
    if (this.lists.size >= this.limit) return labels;
    const list = Object.freeze([...labels]);
    this.lists.set(key, list);
    return list;
  }
}

const NO_LABELS: readonly string[] = Object.freeze([]);
