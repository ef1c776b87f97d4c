/**
 * Seeds a real RunStore with finished runs (configs, epoch curves, a test evaluation with per-sample
 * predictions) without training anything: for API and Compare tests and the compare-render bench.
 */
import { seededRandom } from '../../../src-main/data/seeded-random.ts';
import { evaluatePredictions } from '../../../src-main/ml/metrics/evaluate.ts';
import { parseTrainConfig } from '../../../src-main/ml/train-config.ts';
import type { RunStore } from '../../../src-main/store/run-store.ts';

export const CLASS_NAMES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];


export interface SeedOptions {
  epochs: number;
  testSamples: number;
  /** Probability a test prediction is right. */
  skill: number;
  seed: number;
  model?: string;
  activation?: 'relu' | 'tafmn';
  learningRate?: number;
  fingerprint?: string;
  name?: string;
}

export function seedDataset(store: RunStore, fingerprint = 'fp-seeded'): string {
  store.upsertDataset({ fingerprint, name: 'seeded', source: '/nowhere/seeded', format: 'kaggle-folders', classNames: CLASS_NAMES, counts: {} });
  return fingerprint;
}

export function seedRun(store: RunStore, o: SeedOptions): number {
  const random = seededRandom(o.seed);
  const config = parseTrainConfig({
    model: o.model ?? 'vgg-fer',
    name: o.name,
    modelConfig: { activation: o.activation === 'tafmn' ? { kind: 'tafmn', m: 2, k: 2 } : { kind: 'relu' } },
    training: { epochs: o.epochs, optimizer: { type: 'adam', learningRate: o.learningRate ?? 0.001 } },
    data: { path: '/nowhere/seeded' },
  });
  const runId = store.createRun({ modelName: config.model, config, seed: config.seed, datasetFingerprint: o.fingerprint ?? null });
  let best = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const progress = 1 - Math.exp(-epoch / (o.epochs / 4 + 1));
    const valAcc = Math.min(0.99, 0.15 + (o.skill - 0.15) * progress + (random() - 0.5) * 0.02);
    best = Math.max(best, valAcc);
    store.recordEpoch(runId, {
      epoch,
      trainLoss: 1.9 - 1.2 * progress + (random() - 0.5) * 0.05,
      trainAcc: Math.min(0.99, valAcc + 0.05),
      valLoss: 1.95 - 1.0 * progress + (random() - 0.5) * 0.05,
      valAcc,
      lr: o.learningRate ?? 0.001,
      elapsedMs: 1000,
      numTensors: 100,
    });
  }
  const n = o.testSamples;
  const k = CLASS_NAMES.length;
  const probs = new Float32Array(n * k);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const truth = i % k;
    labels[i] = truth;
    const pred = random() < o.skill ? truth : (truth + 1 + Math.floor(random() * (k - 1))) % k;
    for (let c = 0; c < k; c++) probs[i * k + c] = c === pred ? 0.6 : 0.4 / (k - 1);
  }
  const { report, predictions } = evaluatePredictions(probs, labels, CLASS_NAMES);
  store.addEvaluation({
    runId,
    split: 'test',
    tta: false,
    checkpoint: 'best',
    report,
    predictions: { sampleIndex: Uint32Array.from({ length: n }, (_, i) => i), ...predictions },
  });
  store.updateRun(runId, { bestValAcc: best, bestEpoch: o.epochs });
  store.finishRun(runId, 'completed');
  return runId;
}
