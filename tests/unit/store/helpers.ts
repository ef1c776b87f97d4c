import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvaluationReport } from '../../../src-main/ml/metrics/evaluate.ts';
import { evaluatePredictions } from '../../../src-main/ml/metrics/evaluate.ts';
import type { RunStore, StoredPredictions } from '../../../src-main/store/run-store.ts';

export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'fer-lab-store-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export const CLASSES = ['angry', 'happy', 'sad'];

/** A small evaluation: probabilities for n samples, labels cycling through the classes. */
export function makeEvaluation(n: number, correctEvery: number): { report: EvaluationReport; predictions: StoredPredictions } {
  const probs = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = i % 3;
    labels[i] = t;
    const guess = i % correctEvery === 0 ? t : (t + 1) % 3;
    for (let j = 0; j < 3; j++) probs[i * 3 + j] = j === guess ? 0.8 : 0.1;
  }
  const { report, predictions } = evaluatePredictions(probs, labels, CLASSES);
  return { report, predictions: { ...predictions, sampleIndex: Uint32Array.from({ length: n }, (_, i) => 100 + i) } };
}

/** A run with one of everything, for tests that check what deleting or reopening keeps. */
export function populateRun(store: RunStore, fingerprint: string, model = 'dcnnbea'): number {
  const id = store.createRun({ modelName: model, config: { model, epochs: 3, optimizer: { name: 'adadelta', lr: 1 } }, seed: 42, datasetFingerprint: fingerprint, tags: ['baseline'] });
  for (let e = 1; e <= 3; e++) {
    store.recordEpoch(id, { epoch: e, trainLoss: 2 - e * 0.3, trainAcc: 0.2 * e, valLoss: 2.1 - e * 0.3, valAcc: 0.18 * e, lr: 1, elapsedMs: 1000 * e, numTensors: 120 });
    store.appendBatchMetrics(id, [0, 1, 2].map((b) => ({ epoch: e, batch: b, loss: 1.5, acc: 0.4, imagesPerSec: 300, etaS: 10, atMs: 1_700_000_000_000 + b })));
  }
  const ev = makeEvaluation(12, 2);
  store.addEvaluation({ runId: id, split: 'test', tta: false, checkpoint: 'best', ...ev });
  store.setArtifact(id, 'best', 3, `${store.runDir(id)}/best`);
  store.setArtifact(id, 'last', 3, `${store.runDir(id)}/last`);
  return id;
}

/**
 * An evaluation over samples 0..n-1 (labels cycling through `classNames`) where sample i is
 * predicted right exactly when correct[i]; predictions are stored in `order` (default ascending)
 * to check that comparisons match samples by index, not by position.
 */
export function evaluationFromCorrectness(
  correct: boolean[],
  classNames: string[] = CLASSES,
  order?: number[],
): { report: EvaluationReport; predictions: StoredPredictions } {
  const k = classNames.length;
  const idx = order ?? correct.map((_, i) => i);
  const probs = new Float32Array(idx.length * k);
  const labels = new Uint8Array(idx.length);
  idx.forEach((s, row) => {
    const t = s % k;
    labels[row] = t;
    const guess = correct[s] ? t : (t + 1) % k;
    for (let j = 0; j < k; j++) probs[row * k + j] = j === guess ? 0.7 : 0.3 / (k - 1);
  });
  const { report, predictions } = evaluatePredictions(probs, labels, classNames);
  return { report, predictions: { ...predictions, sampleIndex: Uint32Array.from(idx) } };
}
