/**
 * The training loop: seeded shuffling, tensor-op augmentation, one optimiser step per batch, a
 * validation pass, schedule/early-stopping updates and best/last checkpoints each epoch. It knows
 * nothing about processes: the worker passes `emit` (events out) and `control` (stop/pause in), and
 * the benchmark runs it in-process.
 */
import * as tf from '@tensorflow/tfjs';
import type { FerDataset } from '../../data/types.ts';
import type { TrainConfig } from '../train-config.ts';
import type { BatchEvent, CheckpointEvent, DoneEvent, EpochEvent } from '../../worker/protocol.ts';
import { Prng, deriveSeed } from './prng.ts';
import { classCounts, pixelStats, type SplitIndices } from './data-split.ts';
import { labelBatch, pixelBatch, type Normalization } from './batches.ts';
import { augmentBatch } from './augment.ts';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizers.ts';
import { LrSchedule } from './schedules.ts';
import { Monitor } from './early-stopping.ts';
import { batchLoss, correctCount, inverseFrequencyWeights } from './losses.ts';
import {
  CHECKPOINT_VERSION,
  captureCheckpoint,
  checkpointDir,
  readLoopState,
  restoreOptimizer,
  restoreWeights,
  writeCheckpoint,
  type LoopState,
} from './checkpoint.ts';

/** Maps a batch of 0..1 pixels [B, H, W, 1] to what the model takes (size, channels, frames). */
export type InputAdapter = (x01: tf.Tensor4D, norm: Normalization) => tf.Tensor;

export interface TrainEmitter {
  batch(e: BatchEvent): void;
  epoch(e: EpochEvent): void;
  checkpoint(e: CheckpointEvent): void;
  log(level: 'info' | 'warn', message: string): void;
}

export interface TrainControl {
  /** True once a stop was requested: the loop finishes the current batch, saves and returns. */
  stopRequested(): boolean;
  /** Resolves when not paused. Called between batches. */
  pausePoint(): Promise<void>;
}

export interface TrainOptions {
  model: tf.LayersModel;
  head: 'softmax' | 'svm';
  dataset: FerDataset;
  splits: SplitIndices;
  config: TrainConfig;
  runDir: string;
  toInput: InputAdapter;
  /** Extra differentiable terms added to every batch loss (e.g. the SVM head's weight penalty). */
  penalty?: () => tf.Scalar;
  /** Continue from <runDir>/last. */
  resume: boolean;
  /** The seeded stream behind tfjs's Math.random draws (initialisers, dropout), checkpointed with the rest. */
  mathRng?: Prng;
  emit: TrainEmitter;
  control: TrainControl;
  batchIntervalMs?: number;
  /** Yield to the event loop every batch so stop/pause messages are seen (default true). */
  yieldEachBatch?: boolean;
}

interface SplitScore {
  loss: number;
  acc: number;
}

/** Loss and accuracy over a split in inference mode (no dropout, BN moving statistics). */
export async function scoreSplit(
  opts: Pick<TrainOptions, 'model' | 'head' | 'dataset' | 'toInput' | 'config'>,
  indices: readonly number[],
  norm: Normalization,
): Promise<SplitScore | null> {
  if (indices.length === 0) return null;
  const { model, dataset, config } = opts;
  const bs = config.training.batchSize;
  const k = dataset.classNames.length;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < indices.length; start += bs) {
    const idx = indices.slice(start, start + bs);
    const [l, c] = tf.tidy(() => {
      const x01 = pixelBatch(dataset, idx);
      const y = labelBatch(dataset, idx);
      const out = model.predict(opts.toInput(x01, norm)) as tf.Tensor2D;
      const loss = batchLoss(out, y, k, { head: opts.head, labelSmoothing: 0, classWeights: null, weightDecay: 0, decayed: [] });
      return [loss.mul(idx.length), correctCount(out, y)];
    });
    const [lv, cv] = await Promise.all([l.data(), c.data()]);
    tf.dispose([l, c]);
    lossSum += lv[0]!;
    correct += cv[0]!;
  }
  return { loss: lossSum / indices.length, acc: correct / indices.length };
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The loss stopped being a finite number: the run cannot recover and ends 'failed' with this message. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

/** Trains until the configured epochs, early stopping or a stop request. */
export async function runTraining(opts: TrainOptions): Promise<DoneEvent> {
  const { model, dataset, splits, config, runDir, emit, control } = opts;
  const t = config.training;
  const seed = config.seed;
  const k = dataset.classNames.length;
  const interval = opts.batchIntervalMs ?? 100;
  if (splits.train.length === 0) throw new Error(`dataset ${dataset.name} has no training samples`);

  const optimizer = createOptimizer(t.optimizer);
  const dataRng = new Prng(deriveSeed(seed, 1));
  const augRng = new Prng(deriveSeed(seed, 2));
  const schedule0 = { baseLr: t.optimizer.learningRate };
  let schedule = new LrSchedule(t.schedule, schedule0.baseLr, t.epochs, t.warmupEpochs);
  let best = new Monitor(t.monitor);
  let early = new Monitor(t.earlyStopping.metric, t.earlyStopping.minDelta);
  let norm: Normalization =
    config.data.normalization === 'standardize'
      ? { kind: 'standardize', ...pixelStats(dataset, splits.train) }
      : { kind: 'scale', mean: 0, std: 1 };
  let epochsDone = 0;
  let haveBest = false;

  if (opts.resume) {
    const dir = checkpointDir(runDir, 'last');
    if (!dir) throw new Error(`no checkpoint to resume from in ${runDir}`);
    const state = readLoopState(dir);
    restoreWeights(dir, model);
    await restoreOptimizer(dir, optimizer);
    dataRng.state = state.prng.data;
    augRng.state = state.prng.augment;
    if (opts.mathRng) opts.mathRng.state = state.prng.math;
    schedule = new LrSchedule(t.schedule, schedule0.baseLr, t.epochs, t.warmupEpochs, state.schedule);
    best = new Monitor(t.monitor, 0, state.best);
    early = new Monitor(t.earlyStopping.metric, t.earlyStopping.minDelta, state.earlyStopping);
    norm = state.normalization;
    epochsDone = state.epoch;
    haveBest = checkpointDir(runDir, 'best') !== null;
    emit.log('info', `resuming after epoch ${epochsDone}${state.partial ? ' (from weights saved mid-epoch by a stop)' : ''}`);
    // Idempotent for the store (an epoch row is replaced), and restores a row lost to a kill.
    if (state.lastEpoch && !state.partial) emit.epoch(state.lastEpoch);
  }

  const classWeights =
    t.classWeights === 'inverse-frequency' ? tf.keep(tf.tensor1d(inverseFrequencyWeights(classCounts(dataset, splits.train)))) : null;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // Decay kernels, not biases or normalisation parameters.
  const decayed = model.trainableWeights.filter((w) => w.shape.length > 1).map((w) => w.read() as tf.Variable);
  const lossOpts = { head: opts.head, labelSmoothing: t.labelSmoothing, classWeights, weightDecay: t.weightDecay, decayed };
  const bs = t.batchSize;
  const batches = Math.ceil(splits.train.length / bs);
  const runStart = performance.now();
  let stepsTaken = 0;
  // One clock across epochs: batch events stay at <= 1000/interval per second even for tiny epochs.
  let lastEmit = Number.NEGATIVE_INFINITY;

  const snapshot = (epoch: number, partial: boolean, lr: number): LoopState => ({
    version: CHECKPOINT_VERSION,
    epoch,
    partial,
    prng: { data: dataRng.state, augment: augRng.state, math: opts.mathRng?.state ?? 0 },
    schedule: schedule.snapshot(),
    best: structuredClone(best.state),
    earlyStopping: structuredClone(early.state),
    lr,
    normalization: norm,
    savedAt: new Date().toISOString(),
  });

  const save = async (state: LoopState, kinds: Array<'best' | 'last'>): Promise<void> => {
    const payload = await captureCheckpoint(model, optimizer, state);
    for (const kind of kinds) {
      const path = writeCheckpoint(runDir, kind, payload);
      if (kind === 'best') haveBest = true;
      emit.checkpoint({ kind, epoch: state.epoch, path });
    }
  };

  try {
    for (let epoch = epochsDone + 1; epoch <= t.epochs; epoch++) {
      const epochStart = performance.now();
      const lr = schedule.lrAt(epoch - 1);
      setLearningRate(optimizer, lr);
      // A stop mid-epoch saves the PRNG states as they are then; resuming restarts that epoch with the
      // next shuffle (half an epoch cannot be replayed), while an end-of-epoch resume is exact.
      const order = dataRng.shuffle(splits.train);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;

      for (let b = 0; b < batches; b++) {
        if (opts.yieldEachBatch !== false) await tick();
        await control.pausePoint();
        if (control.stopRequested()) {
          emit.log('info', `stop requested: saving after batch ${b} of epoch ${epoch}`);
          await save(snapshot(epoch - 1, true, lr), haveBest ? ['last'] : ['last', 'best']);
          return { status: 'stopped', reason: 'stop', epochsDone: epoch - 1, bestEpoch: best.state.bestEpoch, bestValue: best.state.best };
        }
        const idx = order.slice(b * bs, (b + 1) * bs);
        let correct: tf.Scalar | undefined;
        const loss = tf.tidy(() => {
          const x01 = pixelBatch(dataset, idx);
          const aug = config.data.augmentation.enabled ? augmentBatch(x01, config.data.augmentation, augRng) : x01;
          const x = opts.toInput(aug, norm);
          const y = labelBatch(dataset, idx);
          return optimizer.minimize(
            () => {
              const out = model.apply(x, { training: true }) as tf.Tensor2D;
              correct = tf.keep(correctCount(out, y));
              const terms = [batchLoss(out, y, k, lossOpts), ...model.calculateLosses()];
              if (opts.penalty) terms.push(opts.penalty());
              return terms.length > 1 ? (tf.addN(terms) as tf.Scalar) : terms[0]!;
            },
            true,
            vars,
          ) as tf.Scalar;
        });
        const [lv, cv] = await Promise.all([loss.data(), correct!.data()]);
        tf.dispose([loss, correct!]);
        if (!Number.isFinite(lv[0])) {
          // Diverged weights only get worse and would surface later as NaN predictions; stop here with
          // the cause. The checkpoints from the last finite epoch stay as they were.
          throw new TrainingDivergedError(
            `training diverged at epoch ${epoch}, batch ${b + 1}: the loss is ${lv[0]}; ` +
              `lower the learning rate (now ${lr}) or add warm-up epochs`,
          );
        }
        lossSum += lv[0]! * idx.length;
        correctSum += cv[0]!;
        seen += idx.length;
        stepsTaken += 1;
        const now = performance.now();
        if (now - lastEmit >= interval) {
          lastEmit = now;
          const perStep = (now - runStart) / stepsTaken;
          const stepsLeft = (t.epochs - epoch) * batches + (batches - b - 1);
          emit.batch({
            epoch,
            batch: b + 1,
            batches,
            loss: lossSum / seen,
            acc: correctSum / seen,
            imagesPerSec: (seen * 1000) / Math.max(1e-3, now - epochStart),
            etaS: (stepsLeft * perStep) / 1000,
            atMs: Date.now(),
          });
        }
      }

      const val = await scoreSplit(opts, splits.val, norm);
      const trainLoss = lossSum / seen;
      const trainAcc = correctSum / seen;
      schedule.observe(epoch - 1, val?.loss ?? trainLoss);
      const metricOf = (m: 'val_loss' | 'val_accuracy'): number =>
        m === 'val_loss' ? (val?.loss ?? trainLoss) : (val?.acc ?? trainAcc);
      const improved = best.update(epoch, metricOf(t.monitor));
      early.update(epoch, metricOf(t.earlyStopping.metric));
      const stopEarly = t.earlyStopping.enabled && early.shouldStop(t.earlyStopping.patience);
      const epochEvent: EpochEvent = {
        epoch,
        epochs: t.epochs,
        trainLoss,
        trainAcc,
        valLoss: val?.loss ?? null,
        valAcc: val?.acc ?? null,
        lr,
        elapsedMs: performance.now() - epochStart,
        numTensors: tf.memory().numTensors,
        best: improved,
      };
      await save({ ...snapshot(epoch, false, lr), lastEpoch: epochEvent }, improved || !haveBest ? ['last', 'best'] : ['last']);
      emit.epoch(epochEvent);
      epochsDone = epoch;
      if (stopEarly) {
        emit.log('info', `early stopping after epoch ${epoch}: no ${t.earlyStopping.metric} improvement for ${t.earlyStopping.patience} epochs`);
        return { status: 'completed', reason: 'early-stopping', epochsDone, bestEpoch: best.state.bestEpoch, bestValue: best.state.best };
      }
    }
    return { status: 'completed', reason: 'epochs', epochsDone, bestEpoch: best.state.bestEpoch, bestValue: best.state.best };
  } finally {
    classWeights?.dispose();
    disposeOptimizer(optimizer);
  }
}
