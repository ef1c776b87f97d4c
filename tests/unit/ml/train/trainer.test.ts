/**
 * The training loop in-process with a tiny model: the less common options together (SVM head with
 * its penalty, SGD with Nesterov momentum, warm-up + cosine schedule, class weights, label smoothing,
 * weight decay, standardisation, early stopping), no tensor leaks, and checkpoints that restore.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, headKernel, svmPenalty } from '../../../../src-main/ml/models/registry.ts';
import { parseTrainConfig } from '../../../../src-main/ml/train-config.ts';
import { runTraining } from '../../../../src-main/ml/train/trainer.ts';
import { splitIndices } from '../../../../src-main/ml/train/data-split.ts';
import { checkpointDir, readLoopState, restoreOptimizer, restoreWeights } from '../../../../src-main/ml/train/checkpoint.ts';
import { createOptimizer, disposeOptimizer } from '../../../../src-main/ml/train/optimizers.ts';
import { makeInputAdapter, resolveModelConfig } from '../../../../src-main/worker/run-job.ts';
import type { EpochEvent } from '../../../../src-main/worker/protocol.ts';
import { syntheticDataset } from './synthetic.ts';

await tf.setBackend('cpu');
const runDir = mkdtempSync(join(tmpdir(), 'fer-trainer-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

describe('runTraining', () => {
  it('trains an SVM head with the less common options, stops early, leaks nothing, checkpoints restore', async () => {
    const dataset = syntheticDataset({ perClassSplit: [4, 2, 1] });
    const config = parseTrainConfig({
      model: 'alexnet',
      modelConfig: { inputSize: 16, widthMultiplier: 1 / 16, head: 'svm', dropout: 0 },
      data: { normalization: 'standardize', augmentation: { rotationDegrees: 5, shift: 0.05 } },
      training: {
        epochs: 6,
        batchSize: 6,
        optimizer: { type: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true },
        schedule: { type: 'cosine' },
        warmupEpochs: 1,
        weightDecay: 1e-4,
        labelSmoothing: 0.1,
        classWeights: 'inverse-frequency',
        // Patience 0 with an impossible improvement threshold: stops after the second epoch.
        earlyStopping: { enabled: true, metric: 'val_loss', patience: 0, minDelta: 1e9 },
      },
      backend: 'cpu',
    });
    const modelCfg = resolveModelConfig(config, dataset);
    expect(modelCfg).toMatchObject({ classes: 3, inputSize: 16, head: 'svm' });
    const model = buildModel(config.model, modelCfg);
    const kernel = headKernel(model);
    const before = tf.memory().numTensors;
    const epochs: EpochEvent[] = [];
    const logs: string[] = [];
    const done = await runTraining({
      model,
      head: 'svm',
      dataset,
      splits: splitIndices(dataset, config.data, config.seed),
      config,
      runDir,
      toInput: makeInputAdapter(config.model, modelCfg),
      penalty: () => svmPenalty(kernel.read(), modelCfg.svmC),
      resume: false,
      control: { stopRequested: () => false, pausePoint: () => Promise.resolve() },
      emit: { batch: () => {}, epoch: (e) => epochs.push(e), checkpoint: () => {}, log: (_l, m) => logs.push(m) },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(done).toMatchObject({ status: 'completed', reason: 'early-stopping', epochsDone: 2, bestEpoch: 1 });
    expect(logs.some((l) => l.includes('early stopping after epoch 2'))).toBe(true);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // Warm-up epoch at half the base rate, then the cosine schedule starts at the base rate.
    expect(epochs[0]!.lr).toBeCloseTo(0.005);
    expect(epochs[1]!.lr).toBeCloseTo(0.01);
    for (const e of epochs) expect(Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss!)).toBe(true);

    // The last checkpoint restores into a fresh model (same outputs) and a fresh optimiser.
    const dir = checkpointDir(runDir, 'last')!;
    const state = readLoopState(dir);
    expect(state).toMatchObject({ epoch: 2, partial: false, normalization: { kind: 'standardize' } });
    const fresh = buildModel(config.model, modelCfg);
    restoreWeights(dir, fresh);
    const x = tf.randomUniform([2, 16, 16, 1]);
    const a = model.predict(x) as tf.Tensor;
    const b = fresh.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
    const opt = createOptimizer(config.training.optimizer);
    await restoreOptimizer(dir, opt);
    const weights = await opt.getWeights();
    // Iteration count plus one momentum slot per trainable weight.
    expect(weights.length).toBe(1 + model.trainableWeights.length);
    tf.dispose([x, a, b, weights[0]!.tensor]);
    disposeOptimizer(opt);
    fresh.dispose();
    model.dispose();
  });

  it('refuses a checkpoint from another architecture, naming the weight', () => {
    const dir = checkpointDir(runDir, 'last')!;
    const other = buildModel('alexnet', { inputSize: 16, widthMultiplier: 1 / 8, classes: 3 });
    expect(() => restoreWeights(dir, other)).toThrow(/weight #\d+ .* has shape/);
    other.dispose();
  });

  it('turns still images into DCNNBEA frame sequences when T > 1', () => {
    const dataset = syntheticDataset();
    const cfg = resolveModelConfig(parseTrainConfig({ model: 'dcnnbea', modelConfig: { seqLength: 3 } }), dataset);
    const toInput = makeInputAdapter('dcnnbea', cfg);
    const x = tf.zeros([2, 16, 16, 1]) as tf.Tensor4D;
    const y = toInput(x, { kind: 'scale', mean: 0, std: 1 });
    expect(y.shape).toEqual([2, 3, 16, 16, 1]);
    tf.dispose([x, y]);
  });
});

describe('divergence', () => {
  it('stops with a clear error when the loss is no longer finite, leaking nothing', async () => {
    const dataset = syntheticDataset({ perClassSplit: [4, 2, 1] });
    const config = parseTrainConfig({
      model: 'alexnet',
      modelConfig: { inputSize: 16, widthMultiplier: 1 / 16, dropout: 0 },
      // An absurd learning rate: the weights overflow float32 within a few steps.
      training: { epochs: 3, batchSize: 6, optimizer: { type: 'sgd', learningRate: 1e30 } },
      backend: 'cpu',
    });
    const modelCfg = resolveModelConfig(config, dataset);
    const model = buildModel(config.model, modelCfg);
    const before = tf.memory().numTensors;
    const dir = mkdtempSync(join(tmpdir(), 'fer-diverge-'));
    try {
      await expect(
        runTraining({
          model,
          head: 'softmax',
          dataset,
          splits: splitIndices(dataset, config.data, config.seed),
          config,
          runDir: dir,
          toInput: makeInputAdapter(config.model, modelCfg),
          resume: false,
          control: { stopRequested: () => false, pausePoint: () => Promise.resolve() },
          emit: { batch: () => {}, epoch: () => {}, checkpoint: () => {}, log: () => {} },
        }),
      ).rejects.toThrow(/training diverged at epoch \d+, batch \d+: the loss is (NaN|Infinity|-Infinity); lower the learning rate \(now 1e\+30\)/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
