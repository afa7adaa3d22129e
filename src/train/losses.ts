/**
 * Per-row losses of a dense layer's outputs (logits). Each writes the gradient of its weighted loss with
 * respect to the logits into `gradient` and returns the weighted loss. `position` is the row's position
 * in the fit's row list, which indexes the targets.
 */
export type RowLoss = (position: number, logits: Float64Array, gradient: Float64Array) => number;

/** Multinomial cross-entropy of a softmax, weighted per row. */
export function softmaxCrossEntropy(targets: Int32Array, weights: Float64Array): RowLoss {
  return (position, logits, gradient) => {
    const target = targets[position]!;
    const weight = weights[position]!;
    let max = -Infinity;
    for (const logit of logits) if (logit > max) max = logit;
    let sum = 0;
    for (let j = 0; j < logits.length; j++) sum += gradient[j] = Math.exp(logits[j]! - max);
    for (let j = 0; j < logits.length; j++) gradient[j] = weight * (gradient[j]! / sum - (j === target ? 1 : 0));
    return weight * (Math.log(sum) + max - logits[target]!);
  };
}

/** Binary cross-entropy of a sigmoid on the single logit, weighted per row. */
export function binaryCrossEntropy(targets: Uint8Array, weights: Float64Array): RowLoss {
  return (position, logits, gradient) => {
    const z = logits[0]!;
    const y = targets[position]!;
    const weight = weights[position]!;
    gradient[0] = weight * (1 / (1 + Math.exp(-z)) - y);
    // log(1 + e^z) − y·z, written so that neither exp can overflow.
    return weight * (Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z))));
  };
}

/** Smooth-L1 (Huber, β = 1) summed over the outputs; `targets` holds `logits.length` values a row. */
export function smoothL1(targets: Float64Array): RowLoss {
  return (position, logits, gradient) => {
    const width = logits.length;
    let loss = 0;
    for (let j = 0; j < width; j++) {
      const d = logits[j]! - targets[position * width + j]!;
      if (Math.abs(d) < 1) {
        loss += 0.5 * d * d;
        gradient[j] = d;
      } else {
        loss += Math.abs(d) - 0.5;
        gradient[j] = Math.sign(d);
      }
    }
    return loss;
  };
}

/**
 * Class weights inverse to each class's frequency (the summed sample weights of its rows), normalised
 * so that the weighted total equals the unweighted one: every present class then carries the same share
 * of the loss. Absent classes get weight 0.
 */
export function inverseFrequencyWeights(targets: Int32Array, sampleWeights: Float64Array, classCount: number): Float64Array {
  const frequency = new Float64Array(classCount);
  let total = 0;
  for (let p = 0; p < targets.length; p++) {
    frequency[targets[p]!]! += sampleWeights[p]!;
    total += sampleWeights[p]!;
  }
  const present = frequency.filter((f) => f > 0).length;
  return frequency.map((f) => (f > 0 ? total / (present * f) : 0));
}
