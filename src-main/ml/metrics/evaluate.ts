import { accuracy, confusionMatrix, macroF1, perClassScores, weightedF1, type ClassScores, type Labels } from './classification.ts';
import { expectedCalibrationError, ECE_BINS, type CalibrationBin } from './calibration.ts';
import { argmaxRow, toMatrix, type ProbabilityRows } from './probabilities.ts';
import { topKAccuracy } from './top-k.ts';

export interface ClassReport extends ClassScores {
  className: string;
}

/** Everything an evaluation reports; stored as JSON with the evaluation row. */
export interface EvaluationReport {
  numSamples: number;
  classNames: string[];
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  top2Accuracy: number;
  /** Expected calibration error over `eceBins.length` equal-width bins of top-1 confidence. */
  ece: number;
  eceBins: CalibrationBin[];
  /** Rows = true class, columns = predicted class. */
  confusion: number[][];
  perClass: ClassReport[];
}

/** Per-sample outcome, the compact form stored for McNemar comparisons. */
export interface SamplePredictions {
  trueLabels: Uint8Array;
  predicted: Uint8Array;
  /** Probability the model gave its predicted class. */
  probability: Float32Array;
}

export interface EvaluationResult {
  report: EvaluationReport;
  predictions: SamplePredictions;
}

/** Computes every metric from softmax outputs (N x classes, flat or rows) and the true labels. */
export function evaluatePredictions(probs: ProbabilityRows, trueLabels: Labels, classNames: string[]): EvaluationResult {
  const k = classNames.length;
  if (k < 1 || k > 256) throw new RangeError(`between 1 and 256 classes are supported, got ${k}`);
  const m = toMatrix(probs, k);
  if (m.rows !== trueLabels.length) throw new RangeError(`${m.rows} probability rows but ${trueLabels.length} labels`);
  const predicted = new Uint8Array(m.rows);
  const probability = new Float32Array(m.rows);
  const truth = new Uint8Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const p = argmaxRow(m, i);
    predicted[i] = p;
    probability[i] = m.data[i * k + p] as number;
    truth[i] = trueLabels[i] as number;
  }
  const confusion = confusionMatrix(trueLabels, predicted, k);
  const scores = perClassScores(confusion);
  const calibration = expectedCalibrationError(m.data, trueLabels, k, ECE_BINS);
  const report: EvaluationReport = {
    numSamples: m.rows,
    classNames: [...classNames],
    accuracy: accuracy(trueLabels, predicted),
    macroF1: macroF1(scores),
    weightedF1: weightedF1(scores),
    top2Accuracy: topKAccuracy(m.data, trueLabels, k, Math.min(2, k)),
    ece: calibration.ece,
    eceBins: calibration.bins,
    confusion,
    perClass: scores.map((s, i) => ({ className: classNames[i] as string, ...s })),
  };
  return { report, predictions: { trueLabels: truth, predicted, probability } };
}
