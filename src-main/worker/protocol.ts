/**
 * The typed message protocol between a parent (RunService) and a training/evaluation worker.
 * Both directions are discriminated unions on `type`; messages are plain structured-clone data
 * (typed arrays allowed), so they cross child_process.fork (advanced serialization) and Electron's
 * utilityProcess unchanged.
 */
import type { FerDataset, Split } from '../data/types.ts';
import type { EvaluationReport } from '../ml/metrics/evaluate.ts';
import type { BackendReport } from '../ml/backend.ts';
import type { TrainConfig } from '../ml/train-config.ts';

export type CheckpointKind = 'best' | 'last';

/** Where the worker gets its samples: a path for importDataset, or a dataset sent with the message. */
export type DataSource =
  | { kind: 'path'; path: string; /** Square side the importer decodes to. */ size: number }
  | { kind: 'inline'; dataset: FerDataset };

export interface StartMessage {
  type: 'start';
  runId: number;
  /** Folder for this run's checkpoints: <home>/runs/<runId>. */
  runDir: string;
  /** App data folder (the dataset cache lives there). */
  home: string;
  config: TrainConfig;
  data: DataSource;
  /** Continue from the run's last checkpoint instead of starting at epoch 1. */
  resume: boolean;
  /** Minimum milliseconds between batch events (<= 10/s by default). */
  batchIntervalMs?: number;
}

export interface EvaluateMessage {
  type: 'evaluate';
  runId: number;
  runDir: string;
  home: string;
  config: TrainConfig;
  data: DataSource;
  split: Split;
  tta: boolean;
  checkpoint: CheckpointKind;
}

export type ToWorker = StartMessage | EvaluateMessage | { type: 'stop' } | { type: 'pause' } | { type: 'resume' };

export interface DatasetSummary {
  name: string;
  source: string;
  format: string;
  fingerprint: string;
  height: number;
  width: number;
  classNames: string[];
  /** Samples per class in each split the run uses (after any hold-out and cap). */
  counts: Record<Split, number[]>;
}

export interface BatchEvent {
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  batches: number;
  /** Running mean over the epoch so far. */
  loss: number;
  acc: number;
  imagesPerSec: number;
  /** Seconds left in the whole run at the current speed. */
  etaS: number;
  atMs: number;
}

export interface EpochEvent {
  /** 1-based. */
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
  lr: number;
  elapsedMs: number;
  numTensors: number;
  /** This epoch improved the monitored metric (its weights are now the best checkpoint). */
  best: boolean;
}

export interface CheckpointEvent {
  kind: CheckpointKind;
  epoch: number;
  path: string;
}

export interface EvaluationEvent {
  split: Split;
  tta: boolean;
  checkpoint: CheckpointKind;
  epoch: number;
  report: EvaluationReport;
  predictions: {
    sampleIndex: Uint32Array;
    trueLabels: Uint8Array;
    predicted: Uint8Array;
    probability: Float32Array;
  };
}

export interface DoneEvent {
  /** `completed`: all epochs or early stopping; `stopped`: a stop command. Evaluations end `completed`. */
  status: 'completed' | 'stopped';
  reason: 'epochs' | 'early-stopping' | 'stop' | 'evaluation';
  epochsDone: number;
  bestEpoch: number | null;
  bestValue: number | null;
}

export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'backend'; report: BackendReport }
  | { type: 'dataset'; summary: DatasetSummary }
  | ({ type: 'batch' } & BatchEvent)
  | ({ type: 'epoch' } & EpochEvent)
  | ({ type: 'checkpoint' } & CheckpointEvent)
  | ({ type: 'evaluation' } & EvaluationEvent)
  | { type: 'state'; state: 'paused' | 'running' }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | ({ type: 'done' } & DoneEvent)
  | { type: 'error'; message: string; stack?: string };

export function isFromWorker(value: unknown): value is FromWorker {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
