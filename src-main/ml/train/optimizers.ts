/**
 * Optimisers and their state. The state (moments, accumulators, iteration count) goes into every
 * checkpoint so a resumed run continues exactly where it stopped instead of restarting the moments.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../train-config.ts';

export function createOptimizer(cfg: OptimizerConfig): tf.Optimizer {
  switch (cfg.type) {
    case 'sgd':
      return cfg.momentum > 0 ? tf.train.momentum(cfg.learningRate, cfg.momentum, cfg.nesterov) : tf.train.sgd(cfg.learningRate);
    case 'adam':
      return tf.train.adam(cfg.learningRate, cfg.beta1, cfg.beta2, cfg.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(cfg.learningRate, cfg.decay, cfg.momentum, cfg.epsilon);
    case 'adadelta':
      return tf.train.adadelta(cfg.learningRate, cfg.rho, cfg.epsilon);
  }
}

/**
 * tfjs fixes the learning rate at construction; the SGD family keeps it in a kept scalar (changed
 * through setLearningRate), the others read the `learningRate` field on every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // Not `instanceof`: tfjs optimisers override Symbol.hasInstance to duck-type any optimiser.
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  o.learningRate = lr;
}

export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/**
 * Frees an optimiser's state. tfjs 4.22's MomentumOptimizer.dispose forgets the learning-rate scalar
 * its SGD base keeps, leaking one tensor per optimiser; it is disposed here too.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  optimizer.dispose();
  if (c && !c.isDisposed) c.dispose();
}
