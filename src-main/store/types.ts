import type { EvaluationReport } from '../ml/metrics/evaluate.ts';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'stopped', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses a run ends in; `running` is entered only through `markRunning` (it needs a worker pid). */
export type FinalStatus = 'completed' | 'stopped' | 'failed' | 'interrupted';

export type JsonObject = { [key: string]: unknown };

export interface DatasetInfo {
  /** The import fingerprint (FerDataset.fingerprint); the key. */
  fingerprint: string;
  name: string;
  /** Absolute path of the folder or CSV the dataset came from. */
  source: string;
  format: string;
  classNames: string[];
  /** Sample counts, e.g. `{ train: {...per class}, val: {...}, test: {...} }`. */
  counts: JsonObject;
}

export interface DatasetRecord extends DatasetInfo {
  createdAt: string;
  updatedAt: string;
}

export interface NewRun {
  modelName: string;
  /** The full validated training config; stored as JSON and returned by `getRunConfig`. */
  config: unknown;
  seed: number;
  /** Must name a dataset stored with `upsertDataset` first (foreign key), or null. */
  datasetFingerprint: string | null;
  /** Backend report: name, whether a GPU is used, device name. */
  backend?: JsonObject;
  /** Package versions (tfjs, node, app). */
  versions?: JsonObject;
  notes?: string;
  tags?: string[];
}

export interface RunRecord {
  id: number;
  modelName: string;
  seed: number;
  datasetFingerprint: string | null;
  status: RunStatus;
  error: string | null;
  workerPid: number | null;
  backend: JsonObject;
  versions: JsonObject;
  /** ISO 8601 UTC timestamps. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Highest epoch number recorded (epochs are 1-based); 0 before the first epoch ends. */
  epochsDone: number;
  bestEpoch: number | null;
  bestValAcc: number | null;
  /** Accuracy of the latest test-split evaluation. */
  testAcc: number | null;
  /** Epoch the latest resume started after (the checkpoint's epoch), or null if never resumed. */
  resumedFromEpoch: number | null;
  notes: string;
  tags: string[];
}

/** Fields the engine may change on a run after creating it. */
export interface RunPatch {
  bestEpoch?: number | null;
  bestValAcc?: number | null;
  testAcc?: number | null;
  resumedFromEpoch?: number | null;
  backend?: JsonObject;
  versions?: JsonObject;
}

export interface RunFilter {
  status?: RunStatus | RunStatus[];
  modelName?: string;
  tag?: string;
  datasetFingerprint?: string;
  /** Newest first; at most this many. */
  limit?: number;
}

export interface EpochMetrics {
  /** 1-based. Recording an epoch again (after a resume) replaces the earlier row. */
  epoch: number;
  trainLoss: number | null;
  trainAcc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  lr: number | null;
  elapsedMs: number | null;
  /** tf.memory().numTensors at the end of the epoch (leak watch). */
  numTensors: number | null;
}

export interface BatchMetrics {
  epoch: number;
  batch: number;
  loss: number | null;
  acc: number | null;
  imagesPerSec: number | null;
  etaS: number | null;
  /** Unix time in ms. */
  atMs: number;
}

export type CheckpointKind = 'best' | 'last';

export interface ArtifactRecord {
  runId: number;
  kind: CheckpointKind;
  epoch: number;
  /** Checkpoint folder as given (normally under `runDir(runId)`). */
  path: string;
  createdAt: string;
}

/** Per-sample predictions of one evaluation, all arrays the same length. */
export interface StoredPredictions {
  /** Index of each sample in the dataset (so two runs can be matched sample by sample). */
  sampleIndex: Uint32Array;
  trueLabels: Uint8Array;
  predicted: Uint8Array;
  /** Probability of the predicted class. */
  probability: Float32Array;
}

export interface NewEvaluation {
  runId: number;
  split: string;
  tta: boolean;
  checkpoint?: CheckpointKind | null;
  report: EvaluationReport;
  predictions?: StoredPredictions;
}

export interface EvaluationRecord {
  id: number;
  runId: number;
  split: string;
  tta: boolean;
  checkpoint: CheckpointKind | null;
  numSamples: number;
  accuracy: number;
  macroF1: number;
  report: EvaluationReport;
  hasPredictions: boolean;
  createdAt: string;
}
