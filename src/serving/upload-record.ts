/**
 * What the deployer persists with every upload: the model's output once, at upload time, so that
 * nothing re-runs a model on read. Feedback, rollout evaluation and drift read these records.
 */
export type FallbackReason = 'not_in_canary' | 'low_confidence' | 'unavailable' | 'observe_only';

export interface ClassScore {
  label: string;
  /** Calibrated confidence in [0, 1]. */
  score: number;
}

export interface RegionPrediction {
  label: string;
  score: number;
  /** Upright box in image pixels after EXIF orientation: x, y of the top-left corner, width, height. */
  box: [number, number, number, number];
}

export interface ModelOutput {
  version: string;
  /** Calibrated image classes, best first. */
  classes: ClassScore[];
  regions: RegionPrediction[];
}

export interface UploadRecord {
  /** The upload's id, unique in the log. */
  id: string;
  /** sha256 of the uploaded bytes. */
  image_sha256: string;
  /** The unit routed on: user, tenant or upload source. */
  unit: string;
  model: string;
  /** The version whose output the application may use, or null when none ran (unavailable). */
  version: string | null;
  /** Which part of the rollout served it: production, candidate, pinned, or none. */
  role: 'production' | 'candidate' | 'pinned' | 'none';
  output: ModelOutput | null;
  /** Whether the application should use the model's output. */
  accepted: boolean;
  source: 'model' | 'fallback';
  fallback_reason: FallbackReason | null;
  /** The shadow's output on the same tensor, and whether its top class agreed. */
  shadow: { output: ModelOutput; agreed: boolean } | null;
  latency_ms: number;
  /** ISO 8601 UTC time of the upload. */
  created_at: string;
}

/**
 * Where upload records go. Embedded SQLite by default; an application's own database can take
 * its place by implementing this port.
 */
export interface UploadLog {
  append(record: UploadRecord): Promise<void>;
  get(id: string): Promise<UploadRecord | null>;
  /** Records of a model in [since, until), oldest first, at most `limit`. */
  list(query: { model: string; since?: string; until?: string; limit?: number }): Promise<UploadRecord[]>;
  close(): Promise<void>;
}
