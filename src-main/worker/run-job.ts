/**
 * One worker job (train or evaluate), independent of the transport: the worker entry feeds it the
 * start/evaluate message and a control object, and it reports through `send`.
 */
import * as tf from '@tensorflow/tfjs';
import type { FerDataset } from '../data/types.ts';
import { selectBackend, type BackendLoaders } from '../ml/backend.ts';
import {
  buildModel,
  headKernel,
  imagesToModelInput,
  parseModelConfig,
  svmPenalty,
  type ModelConfig,
} from '../ml/models/registry.ts';
import type { TrainConfig } from '../ml/train-config.ts';
import { Prng, deriveSeed } from '../ml/train/prng.ts';
import { classCounts, splitIndices } from '../ml/train/data-split.ts';
import { toModelInput, type Normalization } from '../ml/train/batches.ts';
import { runTraining, type InputAdapter, type TrainControl } from '../ml/train/trainer.ts';
import { checkpointDir, readLoopState, restoreWeights } from '../ml/train/checkpoint.ts';
import { evaluateSplit } from '../ml/train/evaluation.ts';
import { loadDataSource } from './dataset-source.ts';
import type { DatasetSummary, DoneEvent, EvaluateMessage, FromWorker, StartMessage } from './protocol.ts';

export type Send = (msg: FromWorker) => void;

/**
 * tfjs seeds its random initialisers and dropout masks from Math.random; a worker is a process of its
 * own, so replacing Math.random there with the run's seeded stream makes a fixed seed reproducible.
 */
export function seedMathRandom(seed: number): Prng {
  const rng = new Prng(deriveSeed(seed, 3));
  Math.random = () => rng.next();
  return rng;
}

/** The model config the run actually uses: class count and input size follow the dataset unless set. */
export function resolveModelConfig(config: TrainConfig, dataset: FerDataset): ModelConfig {
  const raw = { ...config.modelConfig };
  raw.classes ??= dataset.classNames.length;
  if (raw.inputSize === undefined && dataset.height === dataset.width) raw.inputSize = dataset.height;
  const cfg = parseModelConfig(raw);
  if (cfg.classes !== dataset.classNames.length) {
    throw new Error(`modelConfig.classes is ${cfg.classes} but dataset ${dataset.name} has ${dataset.classNames.length} classes`);
  }
  return cfg;
}

export function makeInputAdapter(modelName: string, cfg: ModelConfig): InputAdapter {
  const shape: [number, number, number] = [cfg.inputSize, cfg.inputSize, cfg.channels];
  return (x01: tf.Tensor4D, norm: Normalization) =>
    tf.tidy(() => imagesToModelInput(modelName, cfg, toModelInput(x01, norm, shape)));
}

function summarize(dataset: FerDataset, splits: ReturnType<typeof splitIndices>): DatasetSummary {
  return {
    name: dataset.name,
    source: dataset.source,
    format: dataset.format,
    fingerprint: dataset.fingerprint,
    height: dataset.height,
    width: dataset.width,
    classNames: dataset.classNames,
    counts: { train: classCounts(dataset, splits.train), val: classCounts(dataset, splits.val), test: classCounts(dataset, splits.test) },
  };
}

interface Prepared {
  dataset: FerDataset;
  splits: ReturnType<typeof splitIndices>;
  model: tf.LayersModel;
  modelCfg: ModelConfig;
  toInput: InputAdapter;
  mathRng: Prng;
}

async function prepare(msg: StartMessage | EvaluateMessage, send: Send, loaders?: BackendLoaders): Promise<Prepared> {
  const { config } = msg;
  const mathRng = seedMathRandom(config.seed);
  const report = await selectBackend(config.backend, loaders);
  send({ type: 'backend', report });
  for (const w of report.warnings) send({ type: 'log', level: 'warn', message: w });
  const dataset = await loadDataSource(msg.data, msg.home);
  const splits = splitIndices(dataset, config.data, config.seed);
  send({ type: 'dataset', summary: summarize(dataset, splits) });
  const modelCfg = resolveModelConfig(config, dataset);
  const model = buildModel(config.model, modelCfg);
  return { dataset, splits, model, modelCfg, toInput: makeInputAdapter(config.model, modelCfg), mathRng };
}

export async function runTrainJob(msg: StartMessage, send: Send, control: TrainControl, loaders?: BackendLoaders): Promise<DoneEvent> {
  const p = await prepare(msg, send, loaders);
  try {
    const svmC = p.modelCfg.svmC;
    const kernel = p.modelCfg.head === 'svm' ? headKernel(p.model) : null;
    return await runTraining({
      model: p.model,
      head: p.modelCfg.head,
      dataset: p.dataset,
      splits: p.splits,
      config: msg.config,
      runDir: msg.runDir,
      toInput: p.toInput,
      penalty: kernel ? () => svmPenalty(kernel.read(), svmC) : undefined,
      resume: msg.resume,
      mathRng: p.mathRng,
      batchIntervalMs: msg.batchIntervalMs,
      control,
      emit: {
        batch: (e) => send({ type: 'batch', ...e }),
        epoch: (e) => send({ type: 'epoch', ...e }),
        checkpoint: (e) => send({ type: 'checkpoint', ...e }),
        log: (level, message) => send({ type: 'log', level, message }),
      },
    });
  } finally {
    p.model.dispose();
  }
}

export async function runEvaluateJob(msg: EvaluateMessage, send: Send, loaders?: BackendLoaders): Promise<DoneEvent> {
  const p = await prepare(msg, send, loaders);
  try {
    const dir = checkpointDir(msg.runDir, msg.checkpoint);
    if (!dir) throw new Error(`run ${msg.runId} has no '${msg.checkpoint}' checkpoint in ${msg.runDir}`);
    const state = readLoopState(dir);
    restoreWeights(dir, p.model);
    const indices = p.splits[msg.split];
    if (indices.length === 0) throw new Error(`dataset ${p.dataset.name} has no '${msg.split}' samples`);
    const { report, predictions } = await evaluateSplit({
      model: p.model,
      head: p.modelCfg.head,
      dataset: p.dataset,
      indices,
      toInput: p.toInput,
      norm: state.normalization,
      batchSize: msg.config.training.batchSize,
      tta: msg.tta,
    });
    send({
      type: 'evaluation',
      split: msg.split,
      tta: msg.tta,
      checkpoint: msg.checkpoint,
      epoch: state.epoch,
      report,
      predictions: { sampleIndex: Uint32Array.from(indices), ...predictions },
    });
    return { status: 'completed', reason: 'evaluation', epochsDone: state.epoch, bestEpoch: state.best.bestEpoch, bestValue: state.best.best };
  } finally {
    p.model.dispose();
  }
}
