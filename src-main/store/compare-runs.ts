import { mcnemar, type McNemarResult } from '../ml/metrics/mcnemar.ts';
import type { RunStore } from './run-store.ts';
import type { EvaluationRecord, RunRecord } from './types.ts';

export interface ComparedRun {
  run: RunRecord;
  datasetName: string | null;
  /** The newest evaluation on the split (with the requested TTA setting), or null if none. */
  evaluation: EvaluationRecord | null;
}

export interface RunComparison {
  split: string;
  a: ComparedRun;
  b: ComparedRun;
  /** Present when both runs have predictions for the same samples of the same dataset. */
  mcnemar: McNemarResult | null;
  /** Why McNemar's test could not be computed (null when it was). */
  mcnemarUnavailable: string | null;
}

export interface CompareOptions {
  split?: string;
  /**
   * true: TTA evaluations only; false: without TTA only; undefined: the newest without TTA, or the
   * newest with TTA when a run has none without (the table shows which was used).
   */
  tta?: boolean;
}

/**
 * Puts two runs' evaluations on one split side by side and, when both stored per-sample
 * predictions for the same samples (same dataset fingerprint, same sample indices and labels),
 * runs McNemar's test on their per-sample correctness. b counts samples run A got right and run B
 * got wrong; c the reverse.
 */
export function compareRuns(store: RunStore, idA: number, idB: number, options: CompareOptions = {}): RunComparison {
  const split = options.split ?? 'test';
  const side = (id: number): ComparedRun => {
    const run = store.requireRun(id);
    return {
      run,
      datasetName: run.datasetFingerprint ? (store.getDataset(run.datasetFingerprint)?.name ?? null) : null,
      evaluation:
        options.tta === undefined
          ? (store.latestEvaluation(id, split, false) ?? store.latestEvaluation(id, split, true))
          : store.latestEvaluation(id, split, options.tta),
    };
  };
  const a = side(idA);
  const b = side(idB);
  const result = (m: McNemarResult | null, why: string | null): RunComparison => ({ split, a, b, mcnemar: m, mcnemarUnavailable: why });

  if (idA === idB) return result(null, 'both sides are the same run');
  for (const s of [a, b]) {
    if (!s.evaluation) return result(null, `run ${s.run.id} has no evaluation on the ${split} split`);
  }
  const fa = a.run.datasetFingerprint;
  const fb = b.run.datasetFingerprint;
  if (!fa || !fb) return result(null, `run ${fa ? b.run.id : a.run.id} has no dataset fingerprint, so its samples cannot be matched`);
  if (fa !== fb) return result(null, `the runs used different datasets (fingerprints ${fa} and ${fb})`);
  const pa = store.getPredictions(a.evaluation!.id);
  const pb = store.getPredictions(b.evaluation!.id);
  for (const [s, p] of [[a, pa], [b, pb]] as const) {
    if (!p) return result(null, `run ${s.run.id} stored no per-sample predictions for its ${split} evaluation`);
  }

  // Match samples by dataset index, so the order the evaluations visited them does not matter.
  const posB = new Map<number, number>();
  pb!.sampleIndex.forEach((s, i) => posB.set(s, i));
  let common = 0;
  for (const s of pa!.sampleIndex) if (posB.has(s)) common++;
  if (common !== pa!.sampleIndex.length || common !== pb!.sampleIndex.length) {
    return result(null, `the runs were evaluated on different ${split} samples (${pa!.sampleIndex.length} and ${pb!.sampleIndex.length}, ${common} in common)`);
  }
  const correctA = new Uint8Array(common);
  const correctB = new Uint8Array(common);
  for (let i = 0; i < common; i++) {
    const j = posB.get(pa!.sampleIndex[i] as number) as number;
    if (pa!.trueLabels[i] !== pb!.trueLabels[j]) {
      return result(null, `sample ${pa!.sampleIndex[i]} has label ${pa!.trueLabels[i]} in run ${a.run.id} but ${pb!.trueLabels[j]} in run ${b.run.id}`);
    }
    correctA[i] = pa!.predicted[i] === pa!.trueLabels[i] ? 1 : 0;
    correctB[i] = pb!.predicted[j] === pb!.trueLabels[j] ? 1 : 0;
  }
  return result(mcnemar(correctA, correctB), null);
}
