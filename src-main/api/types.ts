/**
 * Plain JSON data carried by the API (structured-clone and JSON safe: no classes, typed arrays or
 * Dates), so the same values travel over Electron IPC and the browser-mode WebSocket.
 */

export type SplitName = 'train' | 'val' | 'test';
export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface AppInfo {
  version: string;
  /** `desktop` (Electron IPC) or `browser` (fer-lab serve). */
  mode: 'desktop' | 'browser';
  /** Whether `app:pickPath` can open a native dialog. */
  nativeDialogs: boolean;
  home: string;
  platform: string;
}

export interface DatasetSummary {
  id: string;
  name: string;
  source: string;
  format: string;
  classNames: string[];
  height: number;
  width: number;
  total: number;
  /** Per split, the number of samples of each class (index into classNames). */
  counts: Record<SplitName, number[]>;
  importedAt: string;
  /** Set when the dataset could not be loaded (e.g. its folder was moved); the entry is kept. */
  error?: string;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface DuplicateGroup {
  /** The splits the identical image appears in, e.g. ['train', 'test']. */
  splits: SplitName[];
  files: string[];
}

export interface DatasetDetail extends DatasetSummary {
  pixelMean: number;
  pixelStd: number;
  skipped: SkippedFile[];
  /** Exact-duplicate images shared across splits (train/test leakage). */
  crossSplitDuplicates: number;
  duplicateExamples: DuplicateGroup[];
  warnings: string[];
}

/** A grayscale face, row-major bytes in base64, drawn by the renderer on a canvas. */
export interface FaceImage {
  width: number;
  height: number;
  pixels: string;
}

export interface DatasetSamples {
  datasetId: string;
  classNames: string[];
  /** Per class index, a few samples of that class. */
  perClass: { classIndex: number; samples: (FaceImage & { file: string })[] }[];
}

export interface DatasetProgressEvent {
  source: string;
  phase: string;
  done: number;
  total: number;
}

export interface ModelInfo {
  name: string;
  description: string;
}

export interface TrainingPreset {
  id: string;
  label: string;
  description: string;
  /** A partial run config merged over the defaults. */
  config: Record<string, unknown>;
}

export interface TrainingSetup {
  /** JSON Schema (draft 2020-12) of the run config, from the engine's zod schema. */
  schema: Record<string, unknown>;
  defaults: Record<string, unknown>;
  presets: TrainingPreset[];
  models: ModelInfo[];
}

export interface BackendInfo {
  name: string;
  gpu: boolean;
  device?: string;
  /** Shown prominently, e.g. the pure-JS CPU fallback warning. */
  warning?: string;
}

export interface RunSummary {
  id: string;
  name: string;
  model: string;
  activation: string;
  head: string;
  status: RunStatus;
  datasetName: string;
  epochsDone: number;
  epochsPlanned: number;
  bestValAcc: number | null;
  testAcc: number | null;
  createdAt: string;
  tags: string[];
  notes: string;
  backend: BackendInfo | null;
}

export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
  lr: number | null;
  seconds: number | null;
}

export interface BatchPoint {
  /** Fractional epoch (epoch + batch / batchesPerEpoch) so batch curves share the epoch axis. */
  x: number;
  loss: number;
  acc: number;
}

export interface PerClassMetric {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationResult {
  split: SplitName;
  tta: boolean;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  top2: number | null;
  ece: number | null;
  perClass: PerClassMetric[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  createdAt: string;
}

export interface RunDetail extends RunSummary {
  config: Record<string, unknown>;
  classNames: string[];
  epochs: EpochPoint[];
  batches: BatchPoint[];
  evaluations: EvaluationResult[];
}

export interface MisclassifiedItem extends FaceImage {
  index: number;
  file: string;
  trueLabel: number;
  predLabel: number;
  confidence: number;
}

export interface MisclassifiedPage {
  runId: string;
  split: SplitName;
  classNames: string[];
  total: number;
  items: MisclassifiedItem[];
}

export interface ParamDiffRow {
  /** Dotted path into the run config, e.g. `optimizer.lr`. */
  path: string;
  values: (string | number | boolean | null)[];
  differs: boolean;
}

export interface McNemarPair {
  a: string;
  b: string;
  split: SplitName;
  /** Samples only run a got right / only run b got right. */
  onlyA: number;
  onlyB: number;
  statistic: number;
  pValue: number;
}

export interface Comparison {
  runs: RunDetail[];
  params: ParamDiffRow[];
  mcnemar: McNemarPair[];
  /** Why a pair has no McNemar value (different test sets, no predictions stored). */
  mcnemarNotes: string[];
}

export interface CompareExport {
  filename: string;
  mime: string;
  content: string;
}

export interface BatchEvent {
  runId: string;
  /** 1-based, like `batch`. */
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  acc: number;
  imagesPerSec: number;
  etaSec: number | null;
}

export interface EpochEvent extends EpochPoint {
  runId: string;
  epochsPlanned: number;
}

export interface RunStatusEvent {
  runId: string;
  status: RunStatus;
  message?: string;
  backend?: BackendInfo;
}

export interface LogEvent {
  runId: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  time: string;
}
