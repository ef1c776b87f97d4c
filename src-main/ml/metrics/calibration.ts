import type { Labels } from './classification.ts';
import { argmaxRow, toMatrix, type ProbabilityRows } from './probabilities.ts';

/** Default bin count, as in Guo et al. 2017 ("On Calibration of Modern Neural Networks"). */
export const ECE_BINS = 15;

export interface CalibrationBin {
  /** Bin covers confidences in (lower, upper]; the first bin also takes confidence 0. */
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence and accuracy of the samples in the bin (0 when empty). */
  confidence: number;
  accuracy: number;
}

export interface CalibrationReport {
  ece: number;
  bins: CalibrationBin[];
}

/**
 * Expected calibration error with equal-width confidence bins.
 * Confidence is the top-1 probability; bin b (0-based) holds confidences in (b/B, (b+1)/B].
 * ECE = sum over bins of (count_b / N) * |accuracy_b - confidence_b|. Empty bins add nothing.
 * The bins are returned too, for a reliability diagram.
 */
export function expectedCalibrationError(
  probs: ProbabilityRows,
  trueLabels: Labels,
  numClasses: number,
  numBins = ECE_BINS,
): CalibrationReport {
  if (!Number.isInteger(numBins) || numBins < 1) throw new RangeError(`numBins must be a positive integer, got ${numBins}`);
  const m = toMatrix(probs, numClasses);
  if (m.rows !== trueLabels.length) throw new RangeError(`${m.rows} probability rows but ${trueLabels.length} labels`);
  const count = new Array<number>(numBins).fill(0);
  const confSum = new Array<number>(numBins).fill(0);
  const hitSum = new Array<number>(numBins).fill(0);
  for (let i = 0; i < m.rows; i++) {
    const pred = argmaxRow(m, i);
    const conf = m.data[i * numClasses + pred] as number;
    if (!(conf >= 0 && conf <= 1)) throw new RangeError(`probability row ${i} has top value ${conf}, outside [0, 1]`);
    // ceil(conf*B)-1 maps (b/B, (b+1)/B] to b; confidence 0 joins the first bin.
    const b = Math.min(numBins - 1, Math.max(0, Math.ceil(conf * numBins) - 1));
    count[b]! += 1;
    confSum[b]! += conf;
    if (pred === trueLabels[i]) hitSum[b]! += 1;
  }
  let ece = 0;
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < numBins; b++) {
    const n = count[b] as number;
    const confidence = n === 0 ? 0 : (confSum[b] as number) / n;
    const acc = n === 0 ? 0 : (hitSum[b] as number) / n;
    if (n > 0) ece += (n / m.rows) * Math.abs(acc - confidence);
    bins.push({ lower: b / numBins, upper: (b + 1) / numBins, count: n, confidence, accuracy: acc });
  }
  return { ece, bins };
}
