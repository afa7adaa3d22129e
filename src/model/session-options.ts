import type * as ort from 'onnxruntime-node';

/**
 * onnxruntime's session options for cairn's models. Intra-op threads do not spin while they wait for
 * work: images are decoded by sharp on the same cores between runs, and spinning threads took that
 * time from them (evaluation of 64 px images: ~1,400 vs ~1,080 images/s on two cores, measured in one
 * process). Spinning changes when threads wait, not what they compute, so outputs are unchanged.
 */
export const DEFAULT_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};
