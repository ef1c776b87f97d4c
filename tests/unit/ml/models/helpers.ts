/** Shared helpers for the model tests: a learnable synthetic task and a small training loop. */
import * as tf from '@tensorflow/tfjs';
import { buildModel, imagesToModelInput, makeSvmLoss, type ModelConfigInput } from '../../../../src-main/ml/models/registry.ts';

/**
 * Three classes of 16x16 (or `size`) images that differ in where the bright region is (left half,
 * top half, centre square) plus Gaussian noise: learnable by any of the models.
 */
export function syntheticBatch(size: number, perClass: number, seed = 1): { x: tf.Tensor4D; y: tf.Tensor2D; labels: number[] } {
  return tf.tidy(() => {
    const labels: number[] = [];
    const images: number[] = [];
    const half = size / 2;
    for (let c = 0; c < 3; c++) {
      for (let n = 0; n < perClass; n++) {
        labels.push(c);
        for (let r = 0; r < size; r++) {
          for (let col = 0; col < size; col++) {
            const bright =
              c === 0 ? col < half : c === 1 ? r < half : Math.abs(r - half + 0.5) < size / 4 && Math.abs(col - half + 0.5) < size / 4;
            images.push(bright ? 1 : 0);
          }
        }
      }
    }
    const clean = tf.tensor4d(images, [labels.length, size, size, 1]);
    const x = tf.add(clean, tf.randomNormal(clean.shape, 0, 0.1, 'float32', seed)) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat() as tf.Tensor2D;
    return { x, y, labels };
  });
}

export interface TrainResult {
  first: number;
  last: number;
  losses: number[];
}

/** Trains `steps` Adam steps on one fixed batch; the loss is measured in training mode each step. */
export function trainSteps(name: string, config: ModelConfigInput, steps: number, lr = 0.003, perClass = 1): TrainResult {
  const model = buildModel(name, config);
  const { x: images, y } = syntheticBatch(16, perClass);
  const x = imagesToModelInput(name, config, images);
  const svm = config.head === 'svm' ? makeSvmLoss(model, config.svmC ?? 100) : null;
  const opt = tf.train.adam(lr);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const cost = opt.minimize(
      () => {
        const out = model.apply(x, { training: true }) as tf.Tensor;
        // The softmax head outputs probabilities, so the loss is cross-entropy on probabilities.
        return svm ? svm(y, out) : (tf.mean(tf.metrics.categoricalCrossentropy(y, out)) as tf.Scalar);
      },
      true,
    );
    losses.push(cost!.dataSync()[0] as number);
    cost!.dispose();
  }
  opt.dispose();
  if (x !== images) x.dispose();
  tf.dispose([images, y]);
  model.dispose();
  return { first: losses[0] as number, last: losses[losses.length - 1] as number, losses };
}
