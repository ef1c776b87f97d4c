/**
 * Maps run-store records to the API's plain JSON shapes. Kept apart from the handlers so the
 * mapping is unit-testable against a real store without a worker.
 */
import type { EvaluationRecord, RunRecord, RunStore } from '../../store/run-store.ts';
import type { BackendInfo, BatchPoint, EpochPoint, EvaluationResult, RunDetail, RunStatus, RunSummary, SplitName } from '../types.ts';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function backendInfo(raw: Json): BackendInfo | null {
  const name = raw.name ?? raw.backend;
  if (typeof name !== 'string') return null;
  const gpu = raw.gpu === true || raw.usesGpu === true;
  const device = typeof raw.device === 'string' ? raw.device : typeof raw.deviceName === 'string' ? raw.deviceName : undefined;
  const warning = typeof raw.warning === 'string' ? raw.warning : undefined;
  return { name, gpu, ...(device ? { device } : {}), ...(warning ? { warning } : {}) };
}

export function runSummary(store: RunStore, run: RunRecord, liveStatus?: RunStatus): RunSummary {
  const config = obj(store.getRunConfig(run.id));
  const modelConfig = obj(config.modelConfig);
  const training = obj(config.training);
  const dataset = run.datasetFingerprint ? store.getDataset(run.datasetFingerprint) : null;
  const name = typeof config.name === 'string' && config.name.trim() !== '' ? config.name : `${run.modelName} #${run.id}`;
  return {
    id: String(run.id),
    name,
    model: run.modelName,
    activation: String(obj(modelConfig.activation).kind ?? 'relu'),
    head: String(modelConfig.head ?? 'softmax'),
    status: liveStatus ?? run.status,
    datasetName: dataset?.name ?? '',
    epochsDone: run.epochsDone,
    epochsPlanned: typeof training.epochs === 'number' ? training.epochs : run.epochsDone,
    bestValAcc: run.bestValAcc,
    testAcc: run.testAcc,
    createdAt: run.createdAt,
    tags: run.tags,
    notes: run.notes,
    backend: backendInfo(run.backend),
  };
}

export function evaluationResult(e: EvaluationRecord): EvaluationResult {
  const r = e.report;
  return {
    split: e.split as SplitName,
    tta: e.tta,
    accuracy: r.accuracy,
    macroF1: r.macroF1,
    weightedF1: r.weightedF1,
    top2: Number.isFinite(r.top2Accuracy) ? r.top2Accuracy : null,
    ece: Number.isFinite(r.ece) ? r.ece : null,
    perClass: r.perClass.map((c) => ({ precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
    confusion: r.confusion,
    createdAt: e.createdAt,
  };
}

/** Batch curves are thinned to at most `maxBatches` points: the UI only needs their shape. */
export function runDetail(store: RunStore, run: RunRecord, liveStatus?: RunStatus, maxBatches = 2000): RunDetail {
  const summary = runSummary(store, run, liveStatus);
  const config = obj(store.getRunConfig(run.id));
  const epochs: EpochPoint[] = store.getEpochMetrics(run.id).map((m) => ({
    epoch: m.epoch,
    trainLoss: m.trainLoss ?? Number.NaN,
    trainAcc: m.trainAcc ?? Number.NaN,
    valLoss: m.valLoss,
    valAcc: m.valAcc,
    lr: m.lr,
    seconds: m.elapsedMs === null ? null : m.elapsedMs / 1000,
  }));
  const rawBatches = store.getBatchMetrics(run.id);
  const batchesPerEpoch = new Map<number, number>();
  for (const b of rawBatches) batchesPerEpoch.set(b.epoch, Math.max(batchesPerEpoch.get(b.epoch) ?? 0, b.batch));
  const step = Math.max(1, Math.ceil(rawBatches.length / maxBatches));
  const batches: BatchPoint[] = [];
  for (let i = 0; i < rawBatches.length; i += step) {
    const b = rawBatches[i];
    if (!b || b.loss === null || b.acc === null) continue;
    batches.push({ x: b.epoch - 1 + b.batch / Math.max(1, batchesPerEpoch.get(b.epoch) ?? 1), loss: b.loss, acc: b.acc });
  }
  const evaluations = store.listEvaluations(run.id).map(evaluationResult);
  const dataset = run.datasetFingerprint ? store.getDataset(run.datasetFingerprint) : null;
  const classNames = store.listEvaluations(run.id)[0]?.report.classNames ?? dataset?.classNames ?? [];
  return { ...summary, config, classNames, epochs, batches, evaluations };
}
