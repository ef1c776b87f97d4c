import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LrSchedule } from '../../../../src-main/ml/train/schedules.ts';
import { Monitor } from '../../../../src-main/ml/train/early-stopping.ts';
import { createOptimizer, disposeOptimizer, getLearningRate, setLearningRate } from '../../../../src-main/ml/train/optimizers.ts';
import { batchLoss, crossEntropyPerSample, inverseFrequencyWeights, squaredHingePerSample } from '../../../../src-main/ml/train/losses.ts';
import { optimizerSchema, parseTrainConfig, scheduleSchema, ConfigError } from '../../../../src-main/ml/train-config.ts';

await tf.setBackend('cpu');

describe('learning-rate schedules', () => {
  it('constant, step, cosine with warm-up', () => {
    const c = new LrSchedule(scheduleSchema.parse({ type: 'constant' }), 0.1, 10, 2);
    expect([0, 1, 2, 9].map((e) => c.lrAt(e))).toEqual([0.1 / 3, 0.2 / 3, 0.1, 0.1].map((v) => expect.closeTo(v, 12)) as never);
    const s = new LrSchedule(scheduleSchema.parse({ type: 'step', stepEpochs: 2, gamma: 0.5 }), 1, 10, 0);
    expect([0, 1, 2, 3, 4].map((e) => s.lrAt(e))).toEqual([1, 1, 0.5, 0.5, 0.25]);
    const cos = new LrSchedule(scheduleSchema.parse({ type: 'cosine', minLearningRate: 0 }), 1, 4, 0);
    expect(cos.lrAt(0)).toBeCloseTo(1);
    expect(cos.lrAt(2)).toBeCloseTo(0.5);
    expect(cos.lrAt(4)).toBeCloseTo(0);
  });

  it('reduce-on-plateau cuts the rate after `patience` flat epochs and survives a snapshot', () => {
    const cfg = scheduleSchema.parse({ type: 'plateau', factor: 0.5, patience: 1 });
    const p = new LrSchedule(cfg, 1, 10, 0);
    p.observe(0, 1.0);
    p.observe(1, 1.0);
    expect(p.lrAt(2)).toBe(1);
    p.observe(2, 1.0);
    expect(p.lrAt(3)).toBe(0.5);
    const restored = new LrSchedule(cfg, 1, 10, 0, p.snapshot());
    expect(restored.lrAt(3)).toBe(0.5);
  });
});

describe('early stopping monitor', () => {
  it('tracks the best epoch for loss and accuracy', () => {
    const loss = new Monitor('val_loss');
    expect([1, 0.5, 0.6, 0.7].map((v, i) => loss.update(i + 1, v))).toEqual([true, true, false, false]);
    expect(loss.state).toEqual({ best: 0.5, bestEpoch: 2, wait: 2 });
    expect(loss.shouldStop(1)).toBe(true);
    const acc = new Monitor('val_accuracy', 0.01);
    expect([0.5, 0.505, 0.6].map((v, i) => acc.update(i + 1, v))).toEqual([true, false, true]);
  });
});

describe('optimisers', () => {
  it('builds every type, changes its learning rate, and disposes without leaking', () => {
    const before = tf.memory().numTensors;
    for (const type of ['sgd', 'adam', 'rmsprop', 'adadelta'] as const) {
      const o = createOptimizer(optimizerSchema.parse({ type }));
      setLearningRate(o, 0.123);
      expect(getLearningRate(o)).toBe(0.123);
      disposeOptimizer(o);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(optimizerSchema.parse({ type: 'adadelta' }).learningRate).toBe(1);
  });

  it('a changed SGD-momentum rate takes effect on the next step', () => {
    const v = tf.variable(tf.scalar(1));
    const o = createOptimizer(optimizerSchema.parse({ type: 'sgd', momentum: 0, learningRate: 1 }));
    setLearningRate(o, 0.5);
    o.minimize(() => v.mul(v).mul(0.5) as tf.Scalar, false, [v]);
    expect(v.dataSync()[0]).toBeCloseTo(0.5);
  });
});

describe('losses', () => {
  it('cross-entropy with label smoothing matches a hand computation', () => {
    const probs = tf.tensor2d([[0.7, 0.2, 0.1]]);
    const y = tf.tensor2d([[1, 0, 0]]);
    expect(crossEntropyPerSample(probs, y).dataSync()[0]).toBeCloseTo(-Math.log(0.7), 5);
    const t = [0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3];
    const expected = -(t[0]! * Math.log(0.7) + t[1]! * Math.log(0.2) + t[2]! * Math.log(0.1));
    expect(crossEntropyPerSample(probs, y, 0.1).dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('squared hinge and class weights', () => {
    const scores = tf.tensor2d([[0.5, -2, 0.2]]);
    const y = tf.tensor2d([[1, 0, 0]]);
    // (1-0.5)^2 + max(0, 1-2)^2 + (1+0.2)^2
    expect(squaredHingePerSample(scores, y).dataSync()[0]).toBeCloseTo(0.25 + 0 + 1.44, 5);
    expect(inverseFrequencyWeights([10, 30, 0])).toEqual([2, 2 / 3, 0]);
    const out = tf.tensor2d([
      [0.5, 0.5],
      [0.9, 0.1],
    ]);
    const labels = tf.tensor1d([0, 0], 'int32');
    const w = tf.tensor1d([2, 1]);
    const plain = batchLoss(out, labels, 2, { head: 'softmax', labelSmoothing: 0, classWeights: null, weightDecay: 0, decayed: [] });
    const weighted = batchLoss(out, labels, 2, { head: 'softmax', labelSmoothing: 0, classWeights: w, weightDecay: 0, decayed: [] });
    expect(weighted.dataSync()[0]).toBeCloseTo(2 * plain.dataSync()[0]!, 5);
    const k = tf.variable(tf.tensor2d([[1, 2]]));
    const decayed = batchLoss(out, labels, 2, { head: 'softmax', labelSmoothing: 0, classWeights: null, weightDecay: 0.1, decayed: [k] });
    expect(decayed.dataSync()[0]).toBeCloseTo(plain.dataSync()[0]! + 0.05 * 5, 5);
  });
});

describe('run config', () => {
  it('fills defaults and names bad or unknown fields', () => {
    const c = parseTrainConfig({ model: 'alexnet' });
    expect(c.training.optimizer.type).toBe('adam');
    expect(c.seed).toBe(42);
    try {
      parseTrainConfig({ model: 'alexnet', training: { batchSize: 0, optimiser: 'x' }, data: { augmentation: { rotationDegrees: 'a' } } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.fields).toEqual(expect.arrayContaining(['training.batchSize', 'training.optimiser', 'data.augmentation.rotationDegrees']));
      expect(e.message).toContain('training.optimiser: unknown option');
    }
  });
});
