import { CairnError } from '../errors.js';

/** The one place exit codes are decided. 0 clean, 1 a rule was broken, 2 usage or I/O failure. */
export const EXIT = { ok: 0, violations: 1, failure: 2 } as const;

const RULE_BROKEN = new Set(['E_INPUT', 'E_SCHEMA', 'E_UNKNOWN_VERSION', 'E_CHECKSUM', 'E_WRITE_ONCE', 'E_POLICY']);

export function exitCodeFor(error: unknown): number {
  if (error instanceof CairnError && RULE_BROKEN.has(error.code)) return EXIT.violations;
  return EXIT.failure;
}
