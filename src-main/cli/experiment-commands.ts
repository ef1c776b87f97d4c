/**
 * `fer-lab queue ...`, `fer-lab experiment paper|results`, `fer-lab sweep ...`, `fer-lab export-run`,
 * `fer-lab import-run` and `fer-lab export-model`. Queue and sweep execution go through RunService
 * (worker processes), exactly like the desktop app, so a headless server produces the same runs.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RunService } from '../engine/run-service.ts';
import { queuePaperExperiment, queueSweep } from '../experiments/index.ts';
import { expandPaperExperiment, PAPER_SETTINGS, type StandIn } from '../experiments/paper.ts';
import { paperResults } from '../experiments/paper-results.ts';
import { QueueRunner } from '../experiments/queue-runner.ts';
import { QueueStore, type QueueItem } from '../experiments/queue-store.ts';
import { expandSweep, parseSweepSpec, rankSweep } from '../experiments/sweep.ts';
import { validateRunConfig } from '../experiments/validate-config.ts';
import { resolveHome } from '../home.ts';
import { exportModel } from '../portable/model-export.ts';
import { exportRunBundle, importRunBundle } from '../portable/run-bundle.ts';
import { RunStore } from '../store/run-store.ts';

/** The tiny stand-in used by `--stand-in`: seconds per run on a CPU, for checking the pipeline end to end. */
export const TINY_STAND_IN: StandIn = { inputSize: 16, widthMultiplier: 1 / 16, maxPerSplit: 64, epochs: 1, batchSize: 16, seqLength: 2 };

const out = (s: string): void => void process.stdout.write(s);
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : (v * 100).toFixed(1));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `${cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd()}\n`;
  return line(header) + rows.map(line).join('');
}

function positiveInt(what: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new Error(`${what} must be a positive integer, got '${v}'`);
    return Number(v);
  };
}

function nonNegativeInt(what: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Error(`${what} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

interface Opened {
  store: RunStore;
  queue: QueueStore;
  close(): void;
}

function openHome(program: Command): Opened {
  const store = RunStore.open(resolveHome(program.opts<{ home?: string }>().home));
  let queue: QueueStore;
  try {
    queue = QueueStore.open(store);
  } catch (err) {
    store.close();
    throw err;
  }
  return { store, queue, close: () => (queue.close(), store.close()) };
}

async function withHome<T>(program: Command, fn: (h: Opened) => Promise<T> | T): Promise<T> {
  const h = openHome(program);
  try {
    return await fn(h);
  } finally {
    h.close();
  }
}

function queueTable(items: QueueItem[]): string {
  let pos = 0;
  return table(
    ['#', 'ID', 'STATUS', 'RUN', 'LABEL', 'NOTE'],
    items.map((i) => [i.status === 'pending' ? String(++pos) : '-', String(i.id), i.status, i.runId === null ? '-' : String(i.runId), i.label, i.error ?? '']),
  );
}

/** Executes the queue in this process until it is empty; Ctrl-C stops after saving a checkpoint. */
async function runQueue(h: Opened): Promise<void> {
  const runs = new RunService({ store: h.store });
  const runner = new QueueRunner(h.queue, h.store, runs);
  const offs = [
    runner.on('log', (e) => void process.stderr.write(`${e.level === 'info' ? '' : `${e.level}: `}${e.message}\n`)),
    runner.on('item', (e) => out(`item ${e.item.id} (${e.item.label}): ${e.item.status}${e.item.error ? ` - ${e.item.error}` : ''}\n`)),
    runs.on('epoch', (e) =>
      out(`  run ${e.runId} epoch ${e.epoch}/${e.epochs}: loss ${e.trainLoss.toFixed(4)}, acc ${pct(e.trainAcc)}%${e.valAcc === null ? '' : `, val ${pct(e.valAcc)}%`}\n`),
    ),
    runs.on('backend', (e) => out(`  run ${e.runId} backend: ${e.report.name}${e.report.device ? ` (${e.report.device})` : ''}${e.report.gpu ? ' on GPU' : ' on CPU'}\n`)),
  ];
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('stopping after the current batch (checkpoint saved; `fer-lab queue run` resumes). Ctrl-C again to kill.\n');
      runner.stop();
    } else void runs.shutdown();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await runner.run();
    out(`queue ${result.reason === 'empty' ? 'finished' : result.reason}: ${result.finished.length} item(s) done in this session\n`);
  } finally {
    process.off('SIGINT', onSigint);
    offs.forEach((off) => off());
    await runs.shutdown();
  }
}

function parseStandIn(value: string | undefined): StandIn | undefined {
  if (value === undefined) return undefined;
  if (value === 'tiny') return TINY_STAND_IN;
  const raw = readJsonFile(value);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${value}: a stand-in must be a JSON object such as {"inputSize":16,"epochs":1}`);
  return raw as StandIn;
}

export function registerExperimentCommands(program: Command): void {
  // ---- queue ----
  const queue = program.command('queue').description('the experiment queue: runs executed one after another (persisted in runs.db)');
  queue
    .command('list')
    .description('show the queue: waiting items in execution order, then finished ones')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) =>
      withHome(program, ({ queue: q }) => {
        const items = q.list();
        if (opts.json) out(`${JSON.stringify(items, null, 2)}\n`);
        else out(items.length ? queueTable(items) : 'the queue is empty\n');
      }),
    );
  queue
    .command('add')
    .description('queue run configs (JSON files, each a full or partial run config)')
    .argument('<config...>', 'run config JSON file(s)')
    .option('--data <path>', 'dataset folder or fer2013.csv (sets data.path)')
    .action(async (files: string[], opts: { data?: string }) =>
      withHome(program, ({ queue: q }) => {
        const items = files.map((f) => {
          const raw = readJsonFile(f) as Record<string, unknown>;
          const withData = opts.data ? { ...raw, data: { ...((raw.data as object | undefined) ?? {}), path: resolve(opts.data) } } : raw;
          const config = validateRunConfig(withData, `run config ${f}`);
          if (!config.data.path) throw new Error(`${f}: no dataset; set data.path in the file or pass --data`);
          return { label: config.name ?? `${config.model} (${f})`, config };
        });
        const added = q.add(items);
        out(added.map((i) => `queued item ${i.id}: ${i.label}\n`).join(''));
      }),
    );
  queue
    .command('remove')
    .description('remove a queue item (its run, if any, stays in the run list)')
    .argument('<id>', 'queue item id', positiveInt('queue item id'))
    .action(async (id: number) => withHome(program, ({ queue: q }) => (q.remove(id), out(`removed queue item ${id}\n`))));
  queue
    .command('move')
    .description('move a waiting item to a position (1 = next to run)')
    .argument('<id>', 'queue item id', positiveInt('queue item id'))
    .argument('<position>', 'new position among waiting items, 1-based', positiveInt('position'))
    .action(async (id: number, position: number) => withHome(program, ({ queue: q }) => out(queueTable(q.move(id, position - 1)))));
  queue
    .command('retry')
    .description('put a failed or stopped item back in the queue (its run resumes from its last checkpoint)')
    .argument('<id>', 'queue item id', positiveInt('queue item id'))
    .action(async (id: number) => withHome(program, ({ queue: q }) => out(`item ${q.retry(id).id} is pending again\n`)));
  queue
    .command('run')
    .description('execute the queue until it is empty (an interrupted item resumes first); Ctrl-C stops after a checkpoint')
    .action(async () => withHome(program, (h) => runQueue(h)));

  // ---- the paper ----
  const experiment = program.command('experiment').description('built-in experiments');
  experiment
    .command('paper')
    .description(`queue "Reproduce the paper": AlexNet, VGG16, VGG19, ResNet-152, DCNNBEA, DCNNBEA + TAFMN (batch ${PAPER_SETTINGS.batchSize}, Adadelta lr ${PAPER_SETTINGS.optimizer.learningRate})`)
    .option('--data <path>', 'FER2013 folder or fer2013.csv')
    .option('--epochs <n>', `epochs per run (default ${PAPER_SETTINGS.epochs}, the paper's)`, positiveInt('--epochs'))
    .option('--seed <n>', 'seed of every run', nonNegativeInt('--seed'))
    .option('--baseline', 'also queue the strong vgg-fer baseline')
    .option('--stand-in <tiny|file.json>', "tiny stand-in configurations instead of the paper's sizes (pipeline check on a CPU)")
    .option('--dry-run', 'print the configurations without queueing them')
    .option('--run', 'execute the queue right after queueing')
    .action(async (opts: { data?: string; epochs?: number; seed?: number; baseline?: boolean; standIn?: string; dryRun?: boolean; run?: boolean }) => {
      const options = {
        ...(opts.data ? { dataPath: resolve(opts.data) } : {}),
        ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        includeBaseline: Boolean(opts.baseline),
        ...(opts.standIn !== undefined ? { standIn: parseStandIn(opts.standIn) } : {}),
      };
      if (opts.dryRun) {
        const items = expandPaperExperiment(options);
        out(
          table(
            ['KEY', 'MODEL', 'EPOCHS', 'BATCH', 'OPTIMIZER', 'PAPER %'],
            items.map((i) => [i.key, i.config.model, String(i.config.training.epochs), String(i.config.training.batchSize), `${i.config.training.optimizer.type} lr ${i.config.training.optimizer.learningRate}`, pct(i.reference)]),
          ),
        );
        out(`\n${JSON.stringify(items.map((i) => i.config), null, 2)}\n`);
        return;
      }
      await withHome(program, async (h) => {
        const { experimentId, items } = queuePaperExperiment(h.queue, options);
        out(`queued paper experiment ${experimentId}: ${items.map((i) => `${i.id} ${i.label}`).join('; ')}\n`);
        if (opts.run) await runQueue(h);
        else out('run them with `fer-lab queue run`\n');
      });
    });
  experiment
    .command('results')
    .description("the paper's table: reproduced vs reported test accuracy, with the strong baseline")
    .option('--id <experiment>', 'paper experiment id (default: the newest)', positiveInt('--id'))
    .option('--json', 'print JSON')
    .action(async (opts: { id?: number; json?: boolean }) =>
      withHome(program, ({ queue: q, store }) => {
        const r = paperResults(q, store, opts.id);
        if (opts.json) return out(`${JSON.stringify(r, null, 2)}\n`);
        if (r.experimentId === null) out('no paper experiment queued yet (fer-lab experiment paper --data <fer2013>)\n');
        else out(`paper experiment ${r.experimentId} (${r.createdAt})${r.standIn ? ' - STAND-IN configurations, not the paper settings' : ''}\n`);
        const fmtDelta = (d: number | null): string => (d === null ? '-' : `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)}`);
        out(
          table(
            ['MODEL', 'REPORTED %', 'REPRODUCED %', 'DIFF', 'RUN', 'STATUS'],
            r.rows.map((row) => [row.label, `${pct(row.reference)}${row.kind === 'baseline' ? ' (lit.)' : ''}`, pct(row.reproduced), fmtDelta(row.delta), row.runId === null ? '-' : String(row.runId), row.status]),
          ),
        );
      }),
    );

  // ---- sweeps ----
  const sweep = program.command('sweep').description('hyperparameter sweeps: grid or seeded random search over run-config fields');
  sweep
    .command('queue')
    .description('expand a sweep spec (JSON) and queue its trials')
    .argument('<spec>', 'sweep spec JSON file')
    .option('--dry-run', 'print the trials without queueing them')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const spec = parseSweepSpec(readJsonFile(file), `sweep spec ${file}`);
      if (opts.dryRun) {
        const trials = expandSweep(spec);
        out(table(['#', 'TRIAL'], trials.map((t, i) => [String(i), t.label])));
        return;
      }
      await withHome(program, ({ queue: q }) => {
        const { experimentId, items } = queueSweep(q, spec);
        out(`queued sweep ${experimentId} (${spec.name}): ${items.length} trial(s); run them with \`fer-lab queue run\`\n`);
      });
    });
  sweep
    .command('list')
    .description('sweeps queued in this home')
    .action(async () =>
      withHome(program, ({ queue: q }) => {
        const rows = q.listExperiments('sweep').map((e) => {
          const items = q.itemsOfExperiment(e.id);
          return [String(e.id), e.name, String(items.length), String(items.filter((i) => i.status === 'done').length), e.createdAt.slice(0, 16).replace('T', ' ')];
        });
        out(rows.length ? table(['ID', 'NAME', 'TRIALS', 'DONE', 'CREATED (UTC)'], rows) : 'no sweeps yet\n');
      }),
    );
  sweep
    .command('rank')
    .description("a sweep's trials, best first by its metric")
    .argument('<id>', 'sweep (experiment) id', positiveInt('sweep id'))
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { json?: boolean }) =>
      withHome(program, ({ queue: q, store }) => {
        const r = rankSweep(q, store, id);
        if (opts.json) return out(`${JSON.stringify(r, null, 2)}\n`);
        out(`sweep ${id} (${r.name}) ranked by ${r.metric}\n`);
        out(table(['RANK', 'VALUE %', 'RUN', 'STATUS', 'PARAMS'], r.rows.map((row) => [row.rank === null ? '-' : String(row.rank), pct(row.value), row.runId === null ? '-' : String(row.runId), row.status, JSON.stringify(row.params)])));
      }),
    );
  sweep
    .command('trial')
    .description('train one trial of a sweep directly (cluster array jobs: --index $SLURM_ARRAY_TASK_ID), evaluate it, optionally export it')
    .argument('<spec>', 'sweep spec JSON file')
    .requiredOption('--index <i>', '0-based trial index', nonNegativeInt('--index'))
    .option('--export <file>', 'write the finished run as a bundle (fer-lab import-run on the desktop)')
    .action(async (file: string, opts: { index: number; export?: string }) => {
      const trials = expandSweep(parseSweepSpec(readJsonFile(file), `sweep spec ${file}`));
      const trial = trials[opts.index];
      if (!trial) throw new Error(`--index ${opts.index} is out of range: the sweep has ${trials.length} trial(s) (0..${trials.length - 1})`);
      await withHome(program, async ({ store }) => {
        const runs = new RunService({ store });
        try {
          out(`trial ${opts.index}: ${trial.label}\n`);
          const { runId } = await runs.start(trial.config);
          const off = runs.on('epoch', (e) => out(`  epoch ${e.epoch}/${e.epochs}: loss ${e.trainLoss.toFixed(4)}${e.valAcc === null ? '' : `, val ${pct(e.valAcc)}%`}\n`));
          const outcome = await runs.wait(runId);
          off();
          if (outcome.status !== 'completed') throw new Error(`run ${runId} ended ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
          const ev = await runs.evaluate(runId, { split: 'test', checkpoint: 'best' });
          out(`run ${runId}: test accuracy ${pct(ev.report.accuracy)}%\n`);
          if (opts.export) out(`exported to ${(await exportRunBundle(store, runId, opts.export)).file}\n`);
        } finally {
          await runs.shutdown();
        }
      });
    });

  // ---- portable runs and models ----
  program
    .command('export-run')
    .description('write one run as a self-contained bundle (config, metrics, evaluations, predictions, best checkpoint, environment)')
    .argument('<run>', 'run id', positiveInt('run id'))
    .argument('<file>', 'bundle file to create (e.g. run-12.ferrun)')
    .option('--with-last', 'also include the last checkpoint, so the run can be resumed after import')
    .action(async (runId: number, file: string, opts: { withLast?: boolean }) =>
      withHome(program, async ({ store }) => {
        const r = await exportRunBundle(store, runId, file, { includeLast: Boolean(opts.withLast) });
        out(`exported run ${runId} to ${r.file} (${r.manifest.files.length} files, run ${r.runUid.slice(0, 12)})\n`);
      }),
    );
  program
    .command('import-run')
    .description('import a run bundle into this home (refuses duplicates and corrupt or modified bundles)')
    .argument('<file>', 'bundle file')
    .action(async (file: string) =>
      withHome(program, async ({ store }) => {
        const r = await importRunBundle(store, file);
        out(`imported ${file} as run ${r.runId} (run ${r.sourceRunId} where it was exported)\n`);
      }),
    );
  program
    .command('export-model')
    .description("write a run's trained model in the TensorFlow.js layers format (model.json + weights, README on custom layers)")
    .argument('<run>', 'run id', positiveInt('run id'))
    .argument('<dir>', 'new (or empty) output folder')
    .addOption(new Option('--checkpoint <kind>', 'which checkpoint').choices(['best', 'last']).default('best'))
    .action(async (runId: number, dir: string, opts: { checkpoint: 'best' | 'last' }) =>
      withHome(program, async ({ store }) => {
        const { dir: written, meta } = await exportModel(store, runId, dir, opts.checkpoint);
        out(`exported run ${runId} (${meta.model}, ${opts.checkpoint} checkpoint, epoch ${meta.epoch}) to ${written}${meta.customLayers.length ? `; custom layers: ${meta.customLayers.join(', ')} (see README.md)` : ''}\n`);
      }),
    );
}
