import { decodeArtifact } from '../artifacts/codec.js';
import type { Decision } from '../artifacts/schemas/decision.js';
import type { GateDecisionV2 } from '../artifacts/schemas/promotion.js';
import { ModelVersion } from '../registry/model-version.js';
import type { RepoReader } from '../store/repo-reader.js';
import type { RecordedDecision } from './replay-decisions.js';

/** A decision that cannot be replayed: format 1 recorded reasons, not the measurements. */
export interface UnreplayableDecision {
  model: string;
  model_version: string;
  path: string;
  decision: Decision;
  reason: string;
}

/**
 * Every recorded gate decision at `ref` (`registry/<model>/<version>/gate.json`), by model and
 * version: format 2 as what a replay needs, format 1 listed apart. Blobs are read by id from the
 * trees already walked, so a thousand decisions cost a thousand blob reads and no path lookups.
 */
export async function readRecordedDecisions(reader: RepoReader, ref: string): Promise<{ recorded: RecordedDecision[]; unreplayable: UnreplayableDecision[] }> {
  const recorded: RecordedDecision[] = [];
  const unreplayable: UnreplayableDecision[] = [];
  const models = (await reader.listDir(ref, 'registry')).filter((entry) => entry.type === 'tree').sort((a, b) => a.name.localeCompare(b.name));
  // Trees and blobs are read concurrently (the reads wait on the file system); results keep their order.
  const perModel = await Promise.all(
    models.map(async (model) => {
      const versions = (await reader.readTreeEntries(model.oid, model.path)).filter((entry) => entry.type === 'tree' && ModelVersion.isVersion(entry.name));
      versions.sort((a, b) => ModelVersion.parse(a.name).compare(ModelVersion.parse(b.name)));
      return Promise.all(
        versions.map(async (version) => {
          const gate = (await reader.readTreeEntries(version.oid, version.path)).find((entry) => entry.name === 'gate.json' && entry.type === 'blob');
          return gate ? { path: gate.path, decision: decodeArtifact('GateDecision', await reader.readBlob(gate.oid), gate.path) } : null;
        }),
      );
    }),
  );
  for (const read of perModel.flat()) {
    if (!read) continue;
    const { path, decision } = read;
    if (decision.schema === 'GateDecision/v1') {
      unreplayable.push({ model: decision.model, model_version: decision.model_version, path, decision: decision.decision, reason: 'format 1 recorded no measurements' });
      continue;
    }
    const v2 = decision as GateDecisionV2;
    recorded.push({ model: v2.model, model_version: v2.model_version, decision: v2.decision, candidate: v2.candidate.measurements, baseline: v2.baseline });
  }
  return { recorded, unreplayable };
}
