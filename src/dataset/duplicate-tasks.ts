import { InputError } from '../errors.js';

/**
 * Tasks of one export by id. A task listed twice with the same content is taken once; listed
 * twice with different content, there is no telling which is right (Label Studio never exports
 * that), so the export is refused, naming every such id.
 */
export class DuplicateTasks {
  private readonly seen = new Map<number, string>();
  private readonly conflicting = new Set<number>();

  constructor(private readonly file: string) {}

  /** Whether this is the task's first appearance; `text` is its content as ingested. */
  first(taskId: number, text: string): boolean {
    const earlier = this.seen.get(taskId);
    if (earlier === undefined) {
      this.seen.set(taskId, text);
      return true;
    }
    if (earlier !== text) this.conflicting.add(taskId);
    return false;
  }

  assertNone(): void {
    if (this.conflicting.size === 0) return;
    const ids = [...this.conflicting].sort((a, b) => a - b);
    const which = ids.length === 1 ? `task ${ids[0]} appears` : `tasks ${ids.join(', ')} appear`;
    throw new InputError(`${this.file}: ${which} more than once with different content; keep one copy of each`, {
      file: this.file,
      item: ids.map((id) => `task ${id}`).join(', '),
      rule: 'unique-task-id',
      tasks: ids,
    });
  }
}
