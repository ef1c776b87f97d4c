/**
 * Training losses on one batch. Cross-entropy (with optional label smoothing) for softmax heads,
 * the squared hinge for the SVM head; optional per-class weights, because FER2013's disgust class has
 * about 1.5% of the samples; optional L2 weight decay on kernels.
 */
import * as tf from '@tensorflow/tfjs';

const EPS = 1e-7;

/** inverse-frequency weights normalised to mean 1 over classes present; absent classes get 0. */
export function inverseFrequencyWeights(counts: readonly number[]): number[] {
  const present = counts.filter((c) => c > 0);
  const total = present.reduce((a, b) => a + b, 0);
  return counts.map((c) => (c > 0 ? total / (present.length * c) : 0));
}

/** Per-sample cross-entropy of softmax probabilities against (smoothed) one-hot targets: [B]. */
export function crossEntropyPerSample(probs: tf.Tensor2D, oneHot: tf.Tensor2D, labelSmoothing = 0): tf.Tensor1D {
  return tf.tidy(() => {
    const k = oneHot.shape[1];
    const target = labelSmoothing > 0 ? oneHot.mul(1 - labelSmoothing).add(labelSmoothing / k) : oneHot;
    return target.mul(probs.clipByValue(EPS, 1).log()).sum(1).neg() as tf.Tensor1D;
  });
}

/** Per-sample squared hinge of raw class scores against one-hot targets (targets mapped to +-1): [B]. */
export function squaredHingePerSample(scores: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const signs = oneHot.mul(2).sub(1);
    return tf.relu(tf.scalar(1).sub(signs.mul(scores))).square().sum(1) as tf.Tensor1D;
  });
}

export interface LossOptions {
  head: 'softmax' | 'svm';
  labelSmoothing: number;
  /** [numClasses] weights, or null for unweighted. */
  classWeights: tf.Tensor1D | null;
  weightDecay: number;
  /** Kernels that weight decay applies to. */
  decayed: readonly tf.Variable[];
}

/** Mean (optionally class-weighted) loss of a batch plus weight decay; a scalar. */
export function batchLoss(output: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, opts: LossOptions): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, numClasses).toFloat() as tf.Tensor2D;
    let perSample =
      opts.head === 'svm' ? squaredHingePerSample(output, oneHot) : crossEntropyPerSample(output, oneHot, opts.labelSmoothing);
    if (opts.classWeights) perSample = perSample.mul(tf.gather(opts.classWeights, labels));
    let loss = perSample.mean() as tf.Scalar;
    if (opts.weightDecay > 0 && opts.decayed.length > 0) {
      const l2 = tf.addN(opts.decayed.map((v) => v.square().sum()));
      loss = loss.add(l2.mul(opts.weightDecay / 2));
    }
    return loss;
  });
}

/** Number of rows whose arg-max output equals the label: a scalar int32. */
export function correctCount(output: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => output.argMax(1).equal(labels).sum() as tf.Scalar);
}
