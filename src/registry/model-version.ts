import { InputError } from '../errors.js';

/** Why a new model version is made; decides which part of the semver moves. */
export type VersionChange = 'taxonomy' | 'data' | 'calibration';

/**
 * Model versions are semver: the major part moves for a new taxonomy (a model of another label
 * space), the minor part for new data or training, the patch part for a new calibration of the
 * same weights.
 */
export class ModelVersion {
  private constructor(
    readonly major: number,
    readonly minor: number,
    readonly patch: number,
  ) {}

  static readonly first = new ModelVersion(1, 0, 0);

  static parse(text: string): ModelVersion {
    const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
    if (!match) throw new InputError(`"${text}" is not a model version (major.minor.patch)`, { item: text, rule: 'semver' });
    return new ModelVersion(Number(match[1]), Number(match[2]), Number(match[3]));
  }

  static isVersion(text: string): boolean {
    return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.test(text);
  }

  bump(change: VersionChange): ModelVersion {
    if (change === 'taxonomy') return new ModelVersion(this.major + 1, 0, 0);
    if (change === 'data') return new ModelVersion(this.major, this.minor + 1, 0);
    return new ModelVersion(this.major, this.minor, this.patch + 1);
  }

  compare(other: ModelVersion): number {
    return this.major - other.major || this.minor - other.minor || this.patch - other.patch;
  }

  toString(): string {
    return `${this.major}.${this.minor}.${this.patch}`;
  }
}
