/** The metric rows of a run comparison, shared by the Compare view and the CSV/LaTeX exports. */
import type { RunDetail, SplitName } from './types.ts';

export interface MetricRow {
  label: string;
  values: (number | null)[];
  /** Which direction is better, for highlighting. */
  better: 'higher' | 'lower';
}

/** The comparison's metric rows, shared by the UI table and the exports. */
export function metricRows(runs: RunDetail[], split: SplitName = 'test'): MetricRow[] {
  const ev = runs.map((r) => [...r.evaluations].reverse().find((e) => e.split === split) ?? null);
  const lastEpoch = runs.map((r) => r.epochs[r.epochs.length - 1] ?? null);
  return [
    { label: 'best val acc', values: runs.map((r) => r.bestValAcc), better: 'higher' },
    { label: `${split} acc`, values: ev.map((e) => e?.accuracy ?? null), better: 'higher' },
    { label: `${split} macro F1`, values: ev.map((e) => e?.macroF1 ?? null), better: 'higher' },
    { label: `${split} weighted F1`, values: ev.map((e) => e?.weightedF1 ?? null), better: 'higher' },
    { label: `${split} top-2 acc`, values: ev.map((e) => e?.top2 ?? null), better: 'higher' },
    { label: `${split} ECE`, values: ev.map((e) => e?.ece ?? null), better: 'lower' },
    { label: 'final train loss', values: lastEpoch.map((e) => (e && Number.isFinite(e.trainLoss) ? e.trainLoss : null)), better: 'lower' },
    { label: 'final val loss', values: lastEpoch.map((e) => e?.valLoss ?? null), better: 'lower' },
    { label: 'epochs', values: runs.map((r) => r.epochsDone), better: 'higher' },
  ];
}

/** The best value of a row (ties share it); null when fewer than two runs have a value. */
export function bestValue(row: MetricRow): number | null {
  const finite = row.values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length < 2) return null;
  return row.better === 'higher' ? Math.max(...finite) : Math.min(...finite);
}

export function isBest(row: MetricRow, index: number): boolean {
  const best = bestValue(row);
  return best !== null && row.values[index] === best;
}
