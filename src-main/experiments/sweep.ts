/**
 * Hyperparameter sweeps: a grid or a seeded random search over chosen run-config fields (dotted
 * paths), expanded into validated run configs that are queued like any other item, then ranked by
 * a result metric once their runs finish.
 */
import { z } from 'zod';
import { Prng } from '../ml/train/prng.ts';
import type { TrainConfig } from '../ml/train-config.ts';
import type { RunStore } from '../store/run-store.ts';
import { setPath, splitPath } from './config-path.ts';
import type { QueueStatus, QueueStore } from './queue-store.ts';
import { validateRunConfig } from './validate-config.ts';

const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const json: z.ZodType<unknown> = z.lazy(() => z.union([scalar, z.array(json), z.record(z.string(), json)]));

const valuesParam = z.strictObject({ values: z.array(json).min(1, 'give at least one value') });
const rangeParam = z
  .strictObject({
    min: z.number(),
    max: z.number(),
    /** Sample log-uniformly (learning rates, weight decay). */
    log: z.boolean().default(false),
    integer: z.boolean().default(false),
  })
  .refine((r) => r.max >= r.min, { message: 'max must be >= min' })
  .refine((r) => !r.log || r.min > 0, { message: 'a log range needs min > 0' });

export const SWEEP_METRICS = ['test_accuracy', 'best_val_accuracy', 'test_macro_f1'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export const sweepSpecSchema = z
  .strictObject({
    name: z.string().min(1).default('sweep'),
    method: z.enum(['grid', 'random']),
    /** The run config every trial starts from (it must include data.path to run). */
    base: z.record(z.string(), z.unknown()),
    /** Dotted config path -> the values to try (grid and random) or a numeric range (random only). */
    params: z.record(z.string(), z.union([valuesParam, rangeParam])).refine((p) => Object.keys(p).length > 0, { message: 'choose at least one field to sweep' }),
    /** Random search: how many trials. */
    trials: z.int().min(1).max(10_000).optional(),
    /** Random search: the seed of the draws (the same seed gives the same trials). */
    seed: z.int().min(0).default(1),
    metric: z.enum(SWEEP_METRICS).default('test_accuracy'),
    /** Refuse grids larger than this (a typo must not queue ten thousand runs). */
    maxTrials: z.int().min(1).default(500),
  })
  .superRefine((s, ctx) => {
    if (s.method === 'random' && s.trials === undefined) ctx.addIssue({ code: 'custom', path: ['trials'], message: 'random search needs the number of trials' });
    if (s.method === 'grid') {
      for (const [k, v] of Object.entries(s.params)) {
        if (!('values' in v)) ctx.addIssue({ code: 'custom', path: ['params', k], message: 'a grid needs a list of values, not a range' });
      }
    }
  });
export type SweepSpec = z.output<typeof sweepSpecSchema>;
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;

export interface SweepTrial {
  key: string;
  label: string;
  params: Record<string, unknown>;
  config: TrainConfig;
}

export function parseSweepSpec(raw: unknown, source = 'sweep spec'): SweepSpec {
  const r = sweepSpecSchema.safeParse(raw);
  if (r.success) {
    for (const path of Object.keys(r.data.params)) splitPath(path);
    return r.data;
  }
  const lines = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  throw new Error(`invalid ${source}:\n${lines.join('\n')}`);
}

/** Cartesian product in key order; the last key varies fastest. */
function grid(params: [string, unknown[]][]): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [path, values] of params) {
    const next: Record<string, unknown>[] = [];
    for (const partial of out) for (const v of values) next.push({ ...partial, [path]: v });
    out = next;
  }
  return out;
}

function draw(rng: Prng, p: SweepSpec['params'][string]): unknown {
  if ('values' in p) return p.values[rng.int(p.values.length)];
  let v = p.log ? Math.exp(rng.uniform(Math.log(p.min), Math.log(p.max))) : rng.uniform(p.min, p.max);
  if (p.integer) v = Math.min(Math.floor(p.max), Math.max(Math.ceil(p.min), Math.round(v)));
  // Keep stored values readable (and identical across platforms' printing).
  return Number(v.toPrecision(6));
}

const describe = (params: Record<string, unknown>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k.split('.').pop()}=${JSON.stringify(v)}`)
    .join(', ');

/** Expands a sweep into validated trial configs (grid: every combination; random: `trials` seeded draws). */
export function expandSweep(input: SweepSpecInput | SweepSpec): SweepTrial[] {
  const spec = parseSweepSpec(input);
  const entries = Object.entries(spec.params);
  let assignments: Record<string, unknown>[];
  if (spec.method === 'grid') {
    const size = entries.reduce((n, [, p]) => n * ('values' in p ? p.values.length : 1), 1);
    if (size > spec.maxTrials) throw new Error(`the grid has ${size} combinations, more than maxTrials ${spec.maxTrials}; narrow it or raise maxTrials`);
    assignments = grid(entries.map(([k, p]) => [k, 'values' in p ? p.values : []]));
  } else {
    const rng = new Prng(spec.seed);
    assignments = Array.from({ length: spec.trials ?? 0 }, () => Object.fromEntries(entries.map(([k, p]) => [k, draw(rng, p)])));
  }
  // Defaults filled first, so a swept field inside a union (optimizer.learningRate) has its siblings.
  const base = validateRunConfig(spec.base, `${spec.name} base config`);
  return assignments.map((params, i) => {
    let raw: unknown = base;
    for (const [path, value] of Object.entries(params)) raw = setPath(raw, path, value);
    const label = `${spec.name} #${i + 1} (${describe(params)})`;
    const named = setPath(raw, 'name', label);
    return { key: `trial-${i + 1}`, label, params, config: validateRunConfig(named, `${spec.name} trial ${i + 1} (${describe(params)})`) };
  });
}

export interface SweepRankRow {
  rank: number | null;
  itemId: number;
  key: string | null;
  label: string;
  params: Record<string, unknown>;
  status: QueueStatus;
  runId: number | null;
  value: number | null;
}

function metricOf(store: RunStore, runId: number | null, metric: SweepMetric): number | null {
  if (runId === null) return null;
  const run = store.getRun(runId);
  if (!run) return null;
  if (metric === 'best_val_accuracy') return run.bestValAcc;
  const ev = store.latestEvaluation(runId, 'test', false);
  if (!ev) return metric === 'test_accuracy' ? run.testAcc : null;
  return metric === 'test_accuracy' ? ev.accuracy : ev.macroF1;
}

/** The sweep's trials best first by its metric; unfinished ones (no value yet) last, unranked. */
export function rankSweep(queue: QueueStore, store: RunStore, experimentId: number): { name: string; metric: SweepMetric; rows: SweepRankRow[] } {
  const exp = queue.getExperiment(experimentId);
  if (!exp || exp.kind !== 'sweep') throw new Error(`no sweep with id ${experimentId}`);
  const spec = parseSweepSpec(exp.spec, `stored spec of sweep ${experimentId}`);
  const rows: SweepRankRow[] = queue.itemsOfExperiment(experimentId).map((i) => ({
    rank: null,
    itemId: i.id,
    key: i.itemKey,
    label: i.label,
    params: i.params,
    status: i.status,
    runId: i.runId,
    value: metricOf(store, i.runId, spec.metric),
  }));
  rows.sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.itemId - b.itemId);
  let rank = 0;
  for (const r of rows) if (r.value !== null) r.rank = ++rank;
  return { name: spec.name, metric: spec.metric, rows };
}

