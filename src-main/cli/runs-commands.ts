import { Command, Option } from 'commander';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveHome } from '../home.ts';
import { compareRuns, type RunComparison } from '../store/compare-runs.ts';
import { collectRunExport, exportCsv, exportJson, exportLatex } from '../store/export-run.ts';
import { RUN_STATUSES, RunStore, type RunRecord, type RunStatus } from '../store/run-store.ts';

/** A user error from these commands; main() prints the message (no stack) and exits 1. */
export class RunsCommandError extends Error {}

const EXPORT_FORMATS = ['csv', 'json', 'latex'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

function openStore(program: Command): RunStore {
  return RunStore.open(resolveHome(program.opts<{ home?: string }>().home));
}

function withStore<T>(program: Command, fn: (store: RunStore) => T): T {
  const store = openStore(program);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function parseRunId(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new RunsCommandError(`run id must be a positive integer, got '${text}'`);
  }
  return Number(text);
}

function out(text: string): void {
  process.stdout.write(text);
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : (v * 100).toFixed(2));

/** Left-aligned text table; widths from the widest cell per column. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `${cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd()}\n`;
  return line(header) + rows.map(line).join('');
}

function runsTable(store: RunStore, runs: RunRecord[]): string {
  const names = new Map<string, string>();
  const datasetName = (fp: string | null): string => {
    if (!fp) return '-';
    if (!names.has(fp)) names.set(fp, store.getDataset(fp)?.name ?? fp.slice(0, 12));
    return names.get(fp) as string;
  };
  return table(
    ['ID', 'MODEL', 'STATUS', 'EPOCHS', 'BEST VAL %', 'TEST %', 'DATASET', 'CREATED (UTC)', 'TAGS'],
    runs.map((r) => [
      String(r.id),
      r.modelName,
      r.status,
      String(r.epochsDone),
      pct(r.bestValAcc),
      pct(r.testAcc),
      datasetName(r.datasetFingerprint),
      r.createdAt.slice(0, 16).replace('T', ' '),
      r.tags.join(','),
    ]),
  );
}

function comparisonText(c: RunComparison): string {
  const { a, b } = c;
  const ra = a.evaluation?.report;
  const rb = b.evaluation?.report;
  const diff = (x: number | undefined, y: number | undefined): string => (x === undefined || y === undefined ? '' : `${y - x >= 0 ? '+' : ''}${((y - x) * 100).toFixed(2)}`);
  const evalLabel = (s: typeof a): string => (s.evaluation ? `#${s.evaluation.id}${s.evaluation.tta ? ' (TTA)' : ''}` : 'none');
  const metric = (label: string, pick: (r: NonNullable<typeof ra>) => number): string[] => {
    const x = ra ? pick(ra) : undefined;
    const y = rb ? pick(rb) : undefined;
    return [label, pct(x), pct(y), diff(x, y)];
  };
  const rows: string[][] = [
    ['model', a.run.modelName, b.run.modelName, ''],
    ['status', a.run.status, b.run.status, ''],
    ['dataset', a.datasetName ?? '-', b.datasetName ?? '-', ''],
    ['seed', String(a.run.seed), String(b.run.seed), ''],
    ['epochs', String(a.run.epochsDone), String(b.run.epochsDone), ''],
    ['evaluation', evalLabel(a), evalLabel(b), ''],
    ['samples', ra ? String(ra.numSamples) : '-', rb ? String(rb.numSamples) : '-', ''],
    metric('accuracy %', (r) => r.accuracy),
    metric('macro F1 %', (r) => r.macroF1),
    metric('weighted F1 %', (r) => r.weightedF1),
    metric('top-2 accuracy %', (r) => r.top2Accuracy),
    metric('ECE %', (r) => r.ece),
  ];
  if (ra && rb && ra.classNames.join('\0') === rb.classNames.join('\0')) {
    ra.classNames.forEach((name, i) => rows.push(metric(`F1 ${name} %`, (r) => r.perClass[i]?.f1 ?? NaN)));
  }
  let text = `split: ${c.split}\n${table(['', `run ${a.run.id}`, `run ${b.run.id}`, 'B - A'], rows)}\n`;
  if (c.mcnemar) {
    const m = c.mcnemar;
    const method = m.method === 'exact-binomial' ? 'exact binomial' : m.method === 'chi-square-cc' ? 'chi-square, continuity-corrected' : 'no discordant samples';
    text +=
      `McNemar's test (${method}) on ${m.n} samples: b = ${m.b} (run ${a.run.id} right, run ${b.run.id} wrong), ` +
      `c = ${m.c} (run ${a.run.id} wrong, run ${b.run.id} right), statistic = ${m.statistic.toFixed(4)}, p = ${formatP(m.pValue)}\n`;
  } else {
    text += `McNemar's test: not available: ${c.mcnemarUnavailable}\n`;
  }
  return text;
}

function formatP(p: number): string {
  return p >= 1e-4 ? p.toFixed(4) : p.toExponential(2);
}

/** Writes a file through a temporary name so an interrupted export never leaves half a file. */
function writeOut(file: string, text: string, force: boolean): void {
  const target = resolve(file);
  if (existsSync(target) && !force) throw new RunsCommandError(`${target} already exists; use --force to overwrite it`);
  if (!existsSync(dirname(target))) throw new RunsCommandError(`cannot write ${target}: folder ${dirname(target)} does not exist`);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new RunsCommandError(`cannot write ${target}: ${(err as Error).message}`);
  }
}

/** `fer-lab runs`, `fer-lab compare` and `fer-lab export`: read-side views of the run store. */
export function registerRunsCommands(program: Command): void {
  program
    .command('runs')
    .description('list training runs, newest first')
    .option('--json', 'print JSON instead of a table')
    .addOption(new Option('--status <status>', 'only runs with this status').choices([...RUN_STATUSES]))
    .option('--model <name>', 'only runs of this model')
    .option('--tag <tag>', 'only runs with this tag')
    .option('--limit <n>', 'at most this many runs', (v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new RunsCommandError(`--limit must be a positive integer, got '${v}'`);
      return Number(v);
    })
    .action((opts: { json?: boolean; status?: RunStatus; model?: string; tag?: string; limit?: number }) => {
      withStore(program, (store) => {
        const runs = store.listRuns({ status: opts.status, modelName: opts.model, tag: opts.tag, limit: opts.limit });
        if (opts.json) out(`${JSON.stringify(runs, null, 2)}\n`);
        else if (runs.length === 0) out(`no runs in ${store.file}\n`);
        else out(runsTable(store, runs));
      });
    });

  program
    .command('compare')
    .description("compare two runs' evaluations on a split, with McNemar's test on their per-sample predictions")
    .argument('<runA>', 'first run id')
    .argument('<runB>', 'second run id')
    .option('--split <split>', 'split to compare', 'test')
    .option('--tta', 'compare evaluations made with test-time augmentation')
    .option('--no-tta', 'compare evaluations made without test-time augmentation')
    .option('--json', 'print JSON')
    .action((runA: string, runB: string, opts: { split: string; tta?: boolean; json?: boolean }) => {
      const idA = parseRunId(runA);
      const idB = parseRunId(runB);
      withStore(program, (store) => {
        for (const id of [idA, idB]) if (!store.getRun(id)) throw new RunsCommandError(`no run with id ${id} in ${store.file}`);
        const c = compareRuns(store, idA, idB, { split: opts.split, tta: opts.tta });
        out(opts.json ? `${JSON.stringify(c, null, 2)}\n` : comparisonText(c));
      });
    });

  program
    .command('export')
    .description("export a run's epoch metrics and evaluations")
    .argument('<run>', 'run id')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--force', 'overwrite --out if it exists')
    .action((runText: string, opts: { format: ExportFormat; out?: string; force?: boolean }) => {
      const id = parseRunId(runText);
      withStore(program, (store) => {
        if (!store.getRun(id)) throw new RunsCommandError(`no run with id ${id} in ${store.file}`);
        const x = collectRunExport(store, id);
        const text = opts.format === 'json' ? exportJson(x) : opts.format === 'csv' ? exportCsv(x) : exportLatex(x);
        if (opts.out) writeOut(opts.out, text, Boolean(opts.force));
        else out(text);
      });
    });
}
