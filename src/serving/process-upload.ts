import { sha256Hex } from '../artifacts/canonical-json.js';
import { InputError } from '../errors.js';
import { preprocessImage, type InputSpec, type PreparedImage } from '../images/preprocess.js';
import { buildModelOutput, type JudgedOutput } from './build-model-output.js';
import { decideRoute, type RouteDecision } from './decide-route.js';
import type { ServingState } from './load-serving-state.js';
import type { ServedVersion } from './open-served-version.js';
import type { FallbackReason, UploadRecord } from './upload-record.js';

export interface UploadOptions {
  /** The unit routed on (user, tenant, upload source); required and non-empty. */
  unitId: string;
  /** The upload's id in the log; a new UUID when absent. */
  id?: string;
}

export interface UploadContext {
  model: string;
  /** The state the upload holds from start to end; null before any valid state has loaded. */
  state: ServingState | null;
  now: () => Date;
  /** Milliseconds of a monotonic clock, for the latency. */
  clock: () => number;
  newId: () => string;
  maxPixels: number;
  /** Told when a version fails to run on a decoded image (the upload falls back, `unavailable`). */
  onRunError: (version: string, error: unknown) => void;
}

// Decoding still checks an upload when no version can run it: at the smallest size.
const PROBE_SPEC: InputSpec = { width: 1, height: 1, mean: [0, 0, 0], std: [1, 1, 1] };

/**
 * One upload, once: routes the unit, decodes the image once (EXIF orientation, pixel limit from
 * the header before decoding), runs the routed version and the shadow on the same tensor (a
 * shadow with another input size or normalisation gets its own resize of the same bytes), applies
 * calibration and the serving thresholds, and returns the record to persist. Bad input throws an
 * `InputError` naming the rule (`unit-id-missing`, `upload-id`, `image-empty`, `image-format`,
 * `image-truncated`, `image-pixel-limit`) before anything runs.
 */
export async function processUploadIn(context: UploadContext, image: Uint8Array, options: UploadOptions): Promise<UploadRecord> {
  const started = context.clock();
  const createdAt = context.now().toISOString();
  assertUploadOptions(options);
  if (!(image instanceof Uint8Array)) throw new InputError('the upload is not bytes', { rule: 'image-format' });
  const id = options.id ?? context.newId();
  const { state } = context;
  const route: RouteDecision = state?.rollout
    ? decideRoute(state.rollout, options.unitId, { killSwitch: state.thresholds.kill_switch, shadowCandidate: state.thresholds.shadow })
    : { bucket: -1, role: 'none', version: null, shadow: null, reason: 'unavailable' };
  const served = route.version === null ? undefined : state?.versions.get(route.version);
  const shadow = route.shadow === null ? undefined : state?.versions.get(route.shadow);
  const decodeOptions = { name: `upload ${id}`, maxPixels: context.maxPixels };
  const decoding = preprocessImage(image, (served ?? shadow)?.model.inputSpec ?? PROBE_SPEC, decodeOptions);
  // Hashed on this thread while sharp decodes on libuv's pool.
  const imageSha256 = sha256Hex(image);
  const prepared = await decoding;

  const [main, second] = await Promise.all([
    served && state ? run(context, served, prepared, state) : null,
    shadow && state ? run(context, shadow, sameSpec(served, shadow) ? prepared : await preprocessImage(image, shadow.model.inputSpec, decodeOptions), state) : null,
  ]);
  const reason: FallbackReason | null = route.reason ?? (main ? (main.confident ? null : 'low_confidence') : 'unavailable');
  const top = main?.output.classes[0]?.label;
  return {
    id,
    image_sha256: imageSha256,
    unit: options.unitId,
    model: context.model,
    version: main ? main.output.version : null,
    role: route.role,
    output: main?.output ?? null,
    accepted: reason === null,
    source: reason === null ? 'model' : 'fallback',
    fallback_reason: reason,
    shadow: second ? { output: second.output, agreed: top !== undefined && second.output.classes[0]?.label === top } : null,
    latency_ms: context.clock() - started,
    created_at: createdAt,
  };
}

/** A version's judged output, or null (reported) when it fails to run. */
async function run(context: UploadContext, served: ServedVersion, prepared: PreparedImage, state: ServingState): Promise<JudgedOutput | null> {
  try {
    const [prediction] = await served.model.run(prepared.tensor);
    return buildModelOutput(served, prediction!, prepared.original, state.thresholds);
  } catch (error) {
    context.onRunError(served.version, error);
    return null;
  }
}

function sameSpec(a: ServedVersion | undefined, b: ServedVersion): boolean {
  if (!a) return true;
  const [x, y] = [a.model.inputSpec, b.model.inputSpec];
  return x.width === y.width && x.height === y.height && [0, 1, 2].every((c) => x.mean[c] === y.mean[c] && x.std[c] === y.std[c]);
}

function assertUploadOptions(options: UploadOptions): void {
  const unit: unknown = options?.unitId;
  if (typeof unit !== 'string' || unit.trim() === '') throw new InputError('the upload has no unit id (user, tenant or upload source) to route on', { rule: 'unit-id-missing' });
  const id: unknown = options.id;
  if (id !== undefined && (typeof id !== 'string' || id === '')) throw new InputError('an upload id must be a non-empty string', { rule: 'upload-id' });
}
