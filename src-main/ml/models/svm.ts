/**
 * The SVM classification head's objective and its probability-like output.
 *
 * Loss (Tang 2013, "Deep Learning using Linear Support Vector Machines", L2-SVM, one-vs-rest):
 *   t_ik = +1 if sample i is class k else -1, s_ik = the head's linear score,
 *   svmLoss = mean_i sum_k max(0, 1 - t_ik * s_ik)^2  +  ||W_head||^2 / (2 C)
 * Tang minimises ½||W||² + C·Σ_i hinge_i; dividing by C and taking the batch mean instead of the sum
 * keeps the data term independent of the batch size. Only the head's kernel (not its bias) is penalised.
 * Gradients flow through the whole network (the "SVM" is trained jointly with the features).
 *
 * Probabilities: for one class the squared hinge loss is minimised, given P(t=+1|x) = p, by the score
 *   s* = argmin_s p(1-s)² + (1-p)(1+s)² = 2p - 1   (for s in [-1, 1]),
 * so p = (s + 1) / 2 inverts it. scoresToProbabilities clips each class's (s_k + 1)/2 to [0, 1] and
 * normalises across classes so the vector sums to 1 (the one-vs-rest estimates do not on their own);
 * a tiny floor (1e-6) keeps the sum positive when every score is below -1 (then the vector is uniform).
 */
import * as tf from '@tensorflow/tfjs';
import { HEAD_LAYER_NAME } from './blocks.ts';

export const PROBABILITY_FLOOR = 1e-6;

/** ±1 targets from one-hot labels [B, K]. */
export function oneVsRestTargets(oneHot: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(oneHot, 2), 1));
}

/** Data term: mean over the batch of the summed squared hinge over classes. */
export function squaredHingeLoss(oneHot: tf.Tensor, scores: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const margins = tf.relu(tf.sub(1, tf.mul(oneVsRestTargets(oneHot), scores)));
    return tf.mean(tf.sum(tf.square(margins), -1)) as tf.Scalar;
  });
}

/** ||W||^2 / (2C) for the head's kernel. */
export function svmPenalty(headKernel: tf.Tensor, C: number): tf.Scalar {
  if (!(C > 0)) throw new Error(`svmPenalty: C must be > 0, got ${C}`);
  return tf.tidy(() => tf.div(tf.sum(tf.square(headKernel)), 2 * C) as tf.Scalar);
}

/** The head's kernel variable (the first weight of the layer named 'head'). */
export function headKernel(model: tf.LayersModel): tf.LayerVariable {
  const layer = model.getLayer(HEAD_LAYER_NAME);
  const kernel = layer.weights[0];
  if (!kernel) throw new Error(`model ${model.name}: layer '${HEAD_LAYER_NAME}' has no kernel`);
  return kernel;
}

/** Full SVM objective for one batch: squared hinge + penalty on the head kernel. */
export function svmLoss(oneHot: tf.Tensor, scores: tf.Tensor, kernel: tf.Tensor, C: number): tf.Scalar {
  return tf.tidy(() => tf.add(squaredHingeLoss(oneHot, scores), svmPenalty(kernel, C)) as tf.Scalar);
}

/**
 * A (yTrue, yPred) => loss function for model.compile / custom loops. It reads the head kernel variable
 * at call time, so the penalty is part of the differentiated objective.
 */
export function makeSvmLoss(model: tf.LayersModel, C: number): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar {
  const kernel = headKernel(model);
  return (yTrue, yPred) => svmLoss(yTrue, yPred, kernel.read(), C);
}

/** SVM scores [B, K] -> probability-like rows summing to 1 (see the derivation above). */
export function scoresToProbabilities(scores: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.add(tf.clipByValue(tf.div(tf.add(scores, 1), 2), 0, 1), PROBABILITY_FLOOR);
    return tf.div(q, tf.sum(q, -1, true));
  });
}
