/**
 * cairn's error vocabulary. Every failure a user can meet is one of these classes, each with a
 * stable `code` and structured `data`, so a failure can be written into a report or a job summary.
 * Exit codes are decided in one place only: the CLI entry (`src/cli/exit-code.ts`).
 */
export abstract class CairnError extends Error {
  abstract readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.data = data;
  }

  toJSON(): { code: string; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

/** A command was called wrongly: unknown option, missing argument, bad value. */
export class UsageError extends CairnError {
  readonly code = 'E_USAGE';
}

/** Input (a file, an export, an API answer) breaks a rule. `data` names the file, the item and the rule. */
export class InputError extends CairnError {
  readonly code = 'E_INPUT';
  constructor(
    message: string,
    data: { file?: string; item?: string; rule: string; [key: string]: unknown },
    options?: { cause?: unknown },
  ) {
    super(message, data, options);
  }
}

/** An artifact does not match its JSON Schema. `data.errors` lists each fault with its JSON path. */
export class SchemaError extends CairnError {
  readonly code = 'E_SCHEMA';
  constructor(
    readonly file: string,
    readonly errors: ReadonlyArray<{ path: string; message: string }>,
  ) {
    const first = errors[0];
    const where = first ? `${first.path || '/'}: ${first.message}` : 'invalid';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(`${file}: schema violation at ${where}${more}`, { file, errors });
  }
}

/** An artifact declares a kind or format version this build of cairn does not know. */
export class UnknownVersionError extends CairnError {
  readonly code = 'E_UNKNOWN_VERSION';
}

/** A stored checksum does not match the bytes it covers. */
export class ChecksumError extends CairnError {
  readonly code = 'E_CHECKSUM';
}

/** A write would change or delete an artifact that already exists (artifacts are write-once). */
export class WriteOnceError extends CairnError {
  readonly code = 'E_WRITE_ONCE';
}

/** A file, ref, model or pull request that was asked for does not exist. */
export class NotFoundError extends CairnError {
  readonly code = 'E_NOT_FOUND';
}

/** A git command or object read failed for a reason other than the above. */
export class GitError extends CairnError {
  readonly code = 'E_GIT';
}

/** Pushing kept losing the race against other writers, past the retry budget. */
export class PushConflictError extends CairnError {
  readonly code = 'E_PUSH_CONFLICT';
}

/** The forge (GitHub or the local adapter) refused or failed a request. */
export class ForgeError extends CairnError {
  readonly code = 'E_FORGE';
}

/**
 * Label Studio could not be reached, refused the credentials, or failed a request. `data` names the
 * URL, the HTTP status when there was one, the kind of credentials used, and the rule.
 */
export class LabelStudioError extends CairnError {
  readonly code = 'E_LABEL_STUDIO';
}

/** A stage was refused by a rule of the lifecycle (for example training on a failed validation). */
export class PolicyError extends CairnError {
  readonly code = 'E_POLICY';
}

/**
 * A service cannot take the request now — it is shutting down, at its concurrency limit, or has no
 * valid state loaded yet — and a later retry may succeed. `data.rule` says which.
 */
export class UnavailableError extends CairnError {
  readonly code = 'E_UNAVAILABLE';
  constructor(message: string, data: { rule: string; [key: string]: unknown }) {
    super(message, data);
  }
}

export function isCairnError(error: unknown): error is CairnError {
  return error instanceof CairnError;
}
