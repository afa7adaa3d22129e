import type * as ort from 'onnxruntime-node';
import { paths } from '../artifacts/layout.js';
import type { RolloutStateV2 } from '../artifacts/schemas/promotion.js';
import type { ServingThresholds } from '../artifacts/schemas/thresholds.js';
import { InputError, NotFoundError } from '../errors.js';
import { readRolloutState } from '../rollout/read-rollout-state.js';
import type { RepoReader } from '../store/repo-reader.js';
import { openServedVersion, servedVersionKey, type ServedRef, type ServedVersion } from './open-served-version.js';

/** One validated, loaded state: what serves from one commit of the followed ref. */
export interface ServingState {
  commit: string;
  /** Null before the model's first rollout: nothing serves (`unavailable`). */
  rollout: RolloutStateV2 | null;
  thresholds: ServingThresholds;
  /** Every version the state can run (production, candidate, shadow, pinned), by version. */
  versions: ReadonlyMap<string, ServedVersion>;
}

/**
 * Reads and validates the rollout state and `thresholds/serving.yaml` at `commit` and opens every
 * version the state names. A version whose bytes are those of one in `reuse` (same key) shares its
 * session; the rest are opened, checksums first. Throws — having closed what it opened — when
 * anything fails, so a caller either gets a whole state or keeps its old one.
 */
export async function loadServingState(
  reader: RepoReader,
  commit: string,
  model: string,
  reuse: ReadonlyMap<string, ServedVersion>,
  sessionOptions?: ort.InferenceSession.SessionOptions,
): Promise<ServingState> {
  const thresholdsPath = paths.thresholds('serving');
  const [rollout, thresholds] = await Promise.all([readRolloutState(reader, commit, model), reader.readArtifact('ServingThresholds', commit, thresholdsPath)]);
  if (!thresholds) throw new NotFoundError(`${thresholdsPath} is missing at ${commit.slice(0, 12)}; cairn init writes the defaults`, { file: thresholdsPath, ref: commit });
  const versions = new Map<string, ServedVersion>();
  const opened: ServedVersion[] = [];
  try {
    for (const served of servedRefs(rollout)) {
      if (versions.has(served.model_version)) continue;
      const key = await servedVersionKey(reader, commit, model, served);
      let version = [...reuse.values()].find((candidate) => candidate.key === key);
      if (!version) {
        version = await openServedVersion(reader, commit, model, served, { key, ...(sessionOptions ? { sessionOptions } : {}) });
        opened.push(version);
      }
      versions.set(served.model_version, version);
    }
  } catch (error) {
    await Promise.all(opened.map((version) => version.model.close()));
    throw error;
  }
  return { commit, rollout, thresholds, versions };
}

/** The versions a state can route to or shadow, each with the manifest reference that pins it. */
export function servedRefs(rollout: RolloutStateV2 | null): ServedRef[] {
  if (!rollout) return [];
  const named = [rollout.production, rollout.candidate, rollout.shadow].filter((served): served is NonNullable<typeof served> => served !== null);
  if (rollout.pinned !== null) {
    // The pin names a version only; its manifest reference is the one the state recorded where it served.
    const pinned = [...named, ...(rollout.previous ? [rollout.previous] : [])].find((served) => served.model_version === rollout.pinned);
    if (!pinned) {
      throw new InputError(`${paths.rollout(rollout.model)}: pinned ${rollout.pinned} is not production, previous, candidate or shadow`, {
        file: paths.rollout(rollout.model),
        rule: 'pin-unknown',
      });
    }
    return [...named, pinned];
  }
  return named;
}
