/**
 * Run comparison: hyperparameter diff, McNemar's test per pair on shared test samples, and export
 * of the comparison as CSV and a LaTeX table.
 */
import { compareRuns } from '../../store/compare-runs.ts';
import { latexEscape } from '../../store/export-run.ts';
import type { RunStore } from '../../store/run-store.ts';
import type { McNemarPair, ParamDiffRow, RunDetail, SplitName } from '../types.ts';
import { bestValue, metricRows } from '../metric-rows.ts';

type Scalar = string | number | boolean | null;

/** Flattens nested config objects to dotted paths; arrays become JSON strings. */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, Scalar> = {}): Record<string, Scalar> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = '{}';
    for (const [k, v] of entries) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(value)) {
    out[prefix] = JSON.stringify(value);
  } else if (value === undefined || value === null) {
    out[prefix] = null;
  } else {
    out[prefix] = value as Scalar;
  }
  return out;
}

export function paramDiff(configs: unknown[]): ParamDiffRow[] {
  const flat = configs.map((c) => flattenConfig(c));
  const paths = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  return paths.map((path) => {
    const values = flat.map((f) => (path in f ? (f[path] as Scalar) : null));
    const differs = values.some((v) => v !== values[0]);
    return { path, values, differs };
  });
}

/**
 * McNemar for each pair of runs evaluated on the same `split` samples (the pairing rules are
 * compareRuns', shared with `fer-lab compare`); every pair that cannot be tested gets a note.
 */
export function mcnemarPairs(store: RunStore, runIds: number[], split: SplitName = 'test'): { pairs: McNemarPair[]; notes: string[] } {
  const notes = new Set<string>();
  const pairs: McNemarPair[] = [];
  for (let i = 0; i < runIds.length; i++) {
    for (let j = i + 1; j < runIds.length; j++) {
      const a = runIds[i] as number;
      const b = runIds[j] as number;
      const cmp = compareRuns(store, a, b, { split });
      if (!cmp.mcnemar) {
        notes.add(`runs ${a} and ${b}: ${cmp.mcnemarUnavailable ?? 'no McNemar test'}`);
        continue;
      }
      const r = cmp.mcnemar;
      pairs.push({ a: String(a), b: String(b), split, onlyA: r.b, onlyB: r.c, statistic: r.statistic, pValue: r.pValue });
    }
  }
  return { pairs, notes: [...notes] };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function comparisonCsv(runs: RunDetail[], params: ParamDiffRow[], pairs: McNemarPair[]): string {
  const lines: string[][] = [['section', 'field', ...runs.map((r) => `${r.name} (#${r.id})`)]];
  for (const row of metricRows(runs)) lines.push(['metric', row.label, ...row.values.map((v) => (v === null ? '' : String(v)))]);
  for (const p of params.filter((p) => p.differs)) lines.push(['param', p.path, ...p.values.map((v) => (v === null ? '' : String(v)))]);
  for (const m of pairs) lines.push(['mcnemar', `#${m.a} vs #${m.b} (${m.split})`, `p=${m.pValue}`, `chi2=${m.statistic}`, `onlyA=${m.onlyA}`, `onlyB=${m.onlyB}`]);
  return `${lines.map((l) => l.map(csvCell).join(',')).join('\n')}\n`;
}


function latexNum(v: number | null, pct: boolean): string {
  if (v === null || !Number.isFinite(v)) return '--';
  return pct ? (v * 100).toFixed(2) : v.toFixed(3);
}

/** A booktabs table: one column per run, best value per metric in bold, McNemar p-values below. */
export function comparisonLatex(runs: RunDetail[], pairs: McNemarPair[]): string {
  const rows = metricRows(runs);
  const head = ['Metric', ...runs.map((r) => latexEscape(`${r.name}`))];
  const body = rows.map((row) => {
    const isPct = /acc|F1/.test(row.label);
    const isCount = row.label === 'epochs';
    const best = bestValue(row);
    const cells = row.values.map((v) => {
      const text = isCount && v !== null ? String(v) : latexNum(v, isPct);
      return v !== null && v === best ? `\\textbf{${text}}` : text;
    });
    return `${latexEscape(row.label)}${isPct ? ' (\\%)' : ''} & ${cells.join(' & ')} \\\\`;
  });
  const out = [
    '% Requires \\usepackage{booktabs}',
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{Comparison of ${runs.length} FER Lab runs (best value per row in bold).}`,
    `\\begin{tabular}{l${'r'.repeat(runs.length)}}`,
    '\\toprule',
    `${head.join(' & ')} \\\\`,
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
  ];
  if (pairs.length > 0) {
    out.push('', '\\vspace{0.5em}', '\\begin{tabular}{lrrr}', '\\toprule', "Pair & $\\chi^2$ & $p$ (McNemar) & discordant \\\\", '\\midrule');
    const nameOf = (id: string): string => latexEscape(runs.find((r) => r.id === id)?.name ?? `#${id}`);
    for (const p of pairs) {
      const pText = p.pValue < 1e-4 ? p.pValue.toExponential(2) : p.pValue.toFixed(4);
      out.push(`${nameOf(p.a)} vs ${nameOf(p.b)} & ${p.statistic.toFixed(3)} & ${pText} & ${p.onlyA}/${p.onlyB} \\\\`);
    }
    out.push('\\bottomrule', '\\end{tabular}');
  }
  out.push('\\end{table}');
  return `${out.join('\n')}\n`;
}
