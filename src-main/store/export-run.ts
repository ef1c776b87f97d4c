import type { RunStore } from './run-store.ts';
import type { ArtifactRecord, DatasetRecord, EpochMetrics, EvaluationRecord, RunRecord } from './types.ts';

/** Everything `fer-lab export` writes about one run. */
export interface RunExport {
  run: RunRecord;
  config: unknown;
  dataset: DatasetRecord | null;
  epochs: EpochMetrics[];
  /** The newest evaluation per split and TTA setting, in split order train, val, test, then others. */
  evaluations: EvaluationRecord[];
  artifacts: ArtifactRecord[];
}

const SPLIT_ORDER = ['train', 'val', 'test'];

export function collectRunExport(store: RunStore, runId: number): RunExport {
  const run = store.requireRun(runId);
  const latest = new Map<string, EvaluationRecord>();
  for (const e of store.listEvaluations(runId)) latest.set(`${e.split}\0${e.tta}`, e); // oldest first, so newest wins
  const rank = (s: string): number => (SPLIT_ORDER.includes(s) ? SPLIT_ORDER.indexOf(s) : SPLIT_ORDER.length);
  const evaluations = [...latest.values()].sort((x, y) => rank(x.split) - rank(y.split) || x.split.localeCompare(y.split) || Number(x.tta) - Number(y.tta));
  return {
    run,
    config: store.getRunConfig(runId),
    dataset: run.datasetFingerprint ? store.getDataset(run.datasetFingerprint) : null,
    epochs: store.getEpochMetrics(runId),
    evaluations,
    artifacts: store.getArtifacts(runId),
  };
}

export function exportJson(x: RunExport): string {
  return `${JSON.stringify(x, null, 2)}\n`;
}

function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (fields: unknown[]): string => `${fields.map(csvField).join(',')}\n`;

const EPOCH_COLUMNS: (keyof EpochMetrics)[] = ['epoch', 'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'lr', 'elapsedMs', 'numTensors'];

/**
 * Two CSV tables separated by an empty line: the epoch metrics, then the evaluations in long form
 * (one row per split, TTA setting and class, plus the summary rows accuracy, macro avg, weighted
 * avg, top2, ece), which spreadsheet pivots read directly.
 */
export function exportCsv(x: RunExport): string {
  let out = csvLine(['epoch', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'lr', 'elapsed_ms', 'num_tensors']);
  for (const e of x.epochs) out += csvLine(EPOCH_COLUMNS.map((k) => e[k]));
  out += '\n';
  out += csvLine(['split', 'tta', 'class', 'precision', 'recall', 'f1', 'support']);
  for (const ev of x.evaluations) {
    const r = ev.report;
    for (const c of r.perClass) out += csvLine([ev.split, ev.tta, c.className, c.precision, c.recall, c.f1, c.support]);
    out += csvLine([ev.split, ev.tta, 'accuracy', '', '', r.accuracy, r.numSamples]);
    out += csvLine([ev.split, ev.tta, 'macro avg', '', '', r.macroF1, r.numSamples]);
    out += csvLine([ev.split, ev.tta, 'weighted avg', '', '', r.weightedF1, r.numSamples]);
    out += csvLine([ev.split, ev.tta, 'top2', '', '', r.top2Accuracy, r.numSamples]);
    out += csvLine([ev.split, ev.tta, 'ece', '', '', r.ece, r.numSamples]);
  }
  return out;
}

/** Escapes LaTeX's special characters in free text (model, class and dataset names). */
export function latexEscape(s: string): string {
  const map: Record<string, string> = {
    '\\': '\\textbackslash{}', '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}',
  };
  return s.replace(/[\\&%$#_{}~^]/g, (c) => map[c] as string);
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '--' : (v * 100).toFixed(2));
const num = (v: number | null | undefined, digits: number): string => (v === null || v === undefined ? '--' : v.toFixed(digits));

/**
 * booktabs tables (needs \usepackage{booktabs}): one per evaluation (per-class precision, recall,
 * F1 in percent, then the summary rows), then the epoch history.
 */
export function exportLatex(x: RunExport): string {
  const name = `run ${x.run.id} (${latexEscape(x.run.modelName)}${x.dataset ? `, ${latexEscape(x.dataset.name)}` : ''})`;
  const parts: string[] = [`% FER Lab export of run ${x.run.id}; requires \\usepackage{booktabs}\n`];
  for (const ev of x.evaluations) {
    const r = ev.report;
    const rows = r.perClass.map((c) => `${latexEscape(c.className)} & ${pct(c.precision)} & ${pct(c.recall)} & ${pct(c.f1)} & ${c.support} \\\\`);
    parts.push(
      [
        '\\begin{table}[ht]',
        '\\centering',
        `\\caption{Evaluation of ${name} on the ${latexEscape(ev.split)} split${ev.tta ? ' with test-time augmentation' : ''}.}`,
        '\\begin{tabular}{lrrrr}',
        '\\toprule',
        'Class & Precision (\\%) & Recall (\\%) & F1 (\\%) & Support \\\\',
        '\\midrule',
        ...rows,
        '\\midrule',
        `Accuracy & \\multicolumn{3}{r}{${pct(r.accuracy)}} & ${r.numSamples} \\\\`,
        `Macro F1 & \\multicolumn{3}{r}{${pct(r.macroF1)}} & ${r.numSamples} \\\\`,
        `Weighted F1 & \\multicolumn{3}{r}{${pct(r.weightedF1)}} & ${r.numSamples} \\\\`,
        `Top-2 accuracy & \\multicolumn{3}{r}{${pct(r.top2Accuracy)}} & ${r.numSamples} \\\\`,
        `ECE (15 bins) & \\multicolumn{3}{r}{${pct(r.ece)}} & ${r.numSamples} \\\\`,
        '\\bottomrule',
        '\\end{tabular}',
        '\\end{table}',
        '',
      ].join('\n'),
    );
  }
  parts.push(
    [
      '\\begin{table}[ht]',
      '\\centering',
      `\\caption{Training history of ${name}.}`,
      '\\begin{tabular}{rrrrrrr}',
      '\\toprule',
      'Epoch & Train loss & Train acc. (\\%) & Val. loss & Val. acc. (\\%) & LR & Time (s) \\\\',
      '\\midrule',
      ...x.epochs.map(
        (e) => `${e.epoch} & ${num(e.trainLoss, 4)} & ${pct(e.trainAcc)} & ${num(e.valLoss, 4)} & ${pct(e.valAcc)} & ${e.lr === null ? '--' : e.lr.toPrecision(3)} & ${e.elapsedMs === null ? '--' : (e.elapsedMs / 1000).toFixed(1)} \\\\`,
      ),
      '\\bottomrule',
      '\\end{tabular}',
      '\\end{table}',
      '',
    ].join('\n'),
  );
  return parts.join('\n');
}
