import { InputError } from '../errors.js';

/**
 * Dataset version ids: `v` and a four-digit sequence (`v0001`, `v0002`, …), one more than the
 * parent's. The sequence makes versions sort by age in a directory listing; two runs racing to
 * write the same id are sorted out by the store's re-plan on push.
 */
export class DatasetVersion {
  private constructor(readonly sequence: number) {}

  static first(): DatasetVersion {
    return new DatasetVersion(1);
  }

  static parse(text: string): DatasetVersion {
    const match = /^v(\d{4,})$/.exec(text);
    if (!match) throw new InputError(`"${text}" is not a dataset version (expected v0001, v0002, …)`, { item: text, rule: 'dataset-version' });
    return new DatasetVersion(Number(match[1]));
  }

  static isVersion(text: string): boolean {
    return /^v\d{4,}$/.test(text);
  }

  next(): DatasetVersion {
    return new DatasetVersion(this.sequence + 1);
  }

  toString(): string {
    return `v${String(this.sequence).padStart(4, '0')}`;
  }
}
