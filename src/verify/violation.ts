/** One broken rule, named by file and (for schema faults) the JSON path inside it. */
export interface Violation {
  file: string;
  rule: ViolationRule;
  message: string;
  /** JSON pointer of the fault inside the file, for schema violations. */
  pointer?: string;
}

export type ViolationRule =
  | 'syntax'
  | 'schema'
  | 'unknown-version'
  | 'checksum'
  | 'canonical-form'
  | 'layout'
  | 'path-mismatch'
  | 'write-once'
  | 'file-coverage'
  | 'lineage'
  | 'calibration'
  | 'promotion'
  | 'rollout-stages'
  | 'rollout-percent'
  | 'skipped-stage'
  | 'never-candidate';
