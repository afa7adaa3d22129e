import { UsageError } from '../errors.js';

/**
 * Branch names of the pull requests cairn opens: `cairn/<stage>/<subject>/<version>`, e.g.
 * `cairn/ingest/shapes/v0002` or `cairn/promote/shapes/1.3.0`. Code recognises its own branches
 * by parsing them, never by ad-hoc matching.
 */
export class StageBranch {
  constructor(
    readonly stage: string,
    readonly subject: string,
    readonly version: string,
  ) {
    for (const part of [stage, subject, version]) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(part)) throw new UsageError(`"${part}" cannot be part of a branch name`, { part });
    }
  }

  static parse(name: string): StageBranch | null {
    const match = /^cairn\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(name.replace(/^refs\/heads\//, ''));
    return match ? new StageBranch(match[1]!, match[2]!, match[3]!) : null;
  }

  toString(): string {
    return `cairn/${this.stage}/${this.subject}/${this.version}`;
  }
}
