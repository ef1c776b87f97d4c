/**
 * `fer-lab train`, `fer-lab resume <run>` and `fer-lab eval <run>`: thin wrappers over RunService with
 * a progress bar and a final summary. Every check that can fail on user input (options, config file,
 * model name and options, home folder and database, dataset path) runs before a run row or a folder
 * is created, so bad input leaves nothing behind.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveHome } from '../home.ts';
import { RunStore } from '../store/run-store.ts';
import { SPLITS, type Split } from '../data/types.ts';
import { BACKEND_CHOICES, ConfigError } from '../ml/train-config.ts';
import { RunService, validateRunConfig, type RunOutcome } from '../engine/run-service.ts';
import type { BatchEvent, EpochEvent } from '../worker/protocol.ts';

class TrainCliError extends Error {}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}

function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number`);
  return n;
}

function runId(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a run id (a positive whole number)`);
  return n;
}

interface TrainFlags {
  data?: string;
  model?: string;
  config?: string;
  epochs?: number;
  batchSize?: number;
  optimizer?: string;
  lr?: number;
  schedule?: string;
  weightDecay?: number;
  labelSmoothing?: number;
  classWeights?: string;
  earlyStopping?: number;
  seed?: number;
  backend?: string;
  inputSize?: number;
  widthMultiplier?: number;
  head?: string;
  augment: boolean;
  maxPerSplit?: number;
  name?: string;
  json?: boolean;
}

type Json = Record<string, unknown>;

function readConfigFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TrainCliError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the top level must be an object');
    return parsed as Json;
  } catch (err) {
    throw new TrainCliError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function section(cfg: Json, key: string): Json {
  const v = cfg[key];
  if (v === undefined) return (cfg[key] = {});
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`invalid config:\n${key}: expected an object`, [key]);
  return v as Json;
}

/** The raw config: the file (if any), then command-line flags on top. Validation happens after. */
export function buildRawConfig(flags: TrainFlags): Json {
  const cfg: Json = flags.config ? readConfigFile(flags.config) : {};
  if (flags.model) cfg.model = flags.model;
  if (flags.seed !== undefined) cfg.seed = flags.seed;
  if (flags.backend) cfg.backend = flags.backend;
  if (flags.name) cfg.name = flags.name;
  const data = section(cfg, 'data');
  if (flags.data) data.path = resolve(flags.data);
  else if (typeof data.path === 'string' && flags.config) data.path = resolve(flags.config, '..', data.path);
  if (flags.maxPerSplit !== undefined) data.maxPerSplit = flags.maxPerSplit;
  if (!flags.augment) section(data, 'augmentation').enabled = false;
  const model = section(cfg, 'modelConfig');
  if (flags.inputSize !== undefined) model.inputSize = flags.inputSize;
  if (flags.widthMultiplier !== undefined) model.widthMultiplier = flags.widthMultiplier;
  if (flags.head) model.head = flags.head;
  const training = section(cfg, 'training');
  if (flags.epochs !== undefined) training.epochs = flags.epochs;
  if (flags.batchSize !== undefined) training.batchSize = flags.batchSize;
  if (flags.weightDecay !== undefined) training.weightDecay = flags.weightDecay;
  if (flags.labelSmoothing !== undefined) training.labelSmoothing = flags.labelSmoothing;
  if (flags.classWeights) training.classWeights = flags.classWeights;
  if (flags.optimizer || flags.lr !== undefined) {
    const current = training.optimizer as Json | undefined;
    const type = flags.optimizer ?? (typeof current?.type === 'string' ? current.type : 'adam');
    // Switching optimiser type drops the other type's fields rather than failing on them.
    training.optimizer = { ...(current?.type === type ? current : {}), type, ...(flags.lr !== undefined ? { learningRate: flags.lr } : {}) };
  }
  if (flags.schedule) training.schedule = { type: flags.schedule };
  if (flags.earlyStopping !== undefined) training.earlyStopping = { ...((training.earlyStopping as Json) ?? {}), enabled: true, patience: flags.earlyStopping };
  return cfg;
}

function openStore(program: Command): RunStore {
  return RunStore.open(resolveHome(program.opts<{ home?: string }>().home));
}

function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/** Shows training progress: a bar on a terminal, one line per epoch otherwise (logs, CI). */
class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly quiet: boolean) {}

  batch(e: BatchEvent): void {
    if (this.quiet || !this.tty) return;
    const payload = { epoch: e.epoch, loss: fmt(e.loss), acc: fmt(e.acc, 3), ips: e.imagesPerSec.toFixed(0), runEta: Math.round(e.etaS) };
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'epoch {epoch} [{bar}] {value}/{total} | loss {loss} acc {acc} | {ips} img/s | run ETA {runEta}s',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(e.batches, e.batch, payload);
    } else this.bar.update(e.batch, payload);
  }

  epoch(e: EpochEvent): void {
    this.close();
    if (this.quiet) return;
    process.stderr.write(
      `epoch ${e.epoch}/${e.epochs}: train loss ${fmt(e.trainLoss)} acc ${fmt(e.trainAcc, 3)} | val loss ${fmt(e.valLoss)} acc ${fmt(e.valAcc, 3)} | lr ${e.lr.toPrecision(3)} | ${(e.elapsedMs / 1000).toFixed(1)}s | tensors ${e.numTensors}${e.best ? ' | best' : ''}\n`,
    );
  }

  line(msg: string): void {
    this.close();
    if (!this.quiet) process.stderr.write(`${msg}\n`);
  }

  close(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** Runs a training job to its end with progress output; Ctrl-C stops cleanly, a second Ctrl-C kills. */
async function follow(service: RunService, store: RunStore, id: number, json: boolean): Promise<RunOutcome> {
  const progress = new Progress(json);
  const offs = [
    service.on('batch', (e) => e.runId === id && progress.batch(e)),
    service.on('epoch', (e) => e.runId === id && progress.epoch(e)),
    service.on('backend', (e) => e.runId === id && progress.line(`backend: ${e.report.name}${e.report.device ? ` (${e.report.device})` : ''}`)),
    service.on('log', (e) => e.runId === id && progress.line(`${e.level === 'info' ? '' : `${e.level}: `}${e.message}`)),
  ];
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      progress.line('stopping after the current batch (Ctrl-C again to abort)...');
      service.stop(id);
    } else void service.shutdown();
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await service.wait(id);
    progress.close();
    const run = store.requireRun(id);
    const summary = {
      runId: id,
      status: outcome.status,
      epochs: run.epochsDone,
      bestEpoch: run.bestEpoch,
      bestValAcc: run.bestValAcc,
      backend: run.backend.name ?? null,
      checkpoints: store.runDir(id),
      error: outcome.error,
    };
    if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      process.stdout.write(
        [
          `run ${id}: ${outcome.status} after ${run.epochsDone} epoch(s)`,
          `best epoch ${run.bestEpoch ?? '-'} (val acc ${fmt(run.bestValAcc, 4)}), backend ${String(run.backend.name ?? '?')}`,
          `checkpoints: ${store.runDir(id)}`,
          outcome.error ? `error: ${outcome.error}` : `evaluate with: fer-lab eval ${id} --split test`,
        ].join('\n') + '\n',
      );
    }
    return outcome;
  } finally {
    process.off('SIGINT', onSigint);
    for (const off of offs) off();
  }
}

function exitCodeOf(outcome: RunOutcome): number {
  return outcome.status === 'completed' || outcome.status === 'stopped' ? 0 : 1;
}

async function withService<T>(program: Command, fn: (service: RunService, store: RunStore) => Promise<T>): Promise<T> {
  const store = openStore(program);
  const service = new RunService({ store });
  try {
    return await fn(service, store);
  } finally {
    await service.shutdown();
    store.close();
  }
}

export function registerTrainCommands(program: Command): void {
  program
    .command('train')
    .description('train a model on a dataset (progress bar, checkpoints and metrics in the home folder)')
    .option('--data <path>', 'dataset folder or fer2013.csv (or data.path in --config)')
    .option('--model <name>', 'model name (or model in --config), e.g. vgg-fer, dcnnbea, resnet18')
    .option('--config <file>', 'JSON run config; command-line options override its fields')
    .option('--epochs <n>', 'number of epochs', integer)
    .option('--batch-size <n>', 'batch size', integer)
    .addOption(new Option('--optimizer <type>', 'optimiser').choices(['sgd', 'adam', 'rmsprop', 'adadelta']))
    .option('--lr <x>', 'learning rate', number)
    .addOption(new Option('--schedule <type>', 'learning-rate schedule').choices(['constant', 'step', 'cosine', 'plateau']))
    .option('--weight-decay <x>', 'L2 weight decay on kernels', number)
    .option('--label-smoothing <x>', 'label smoothing for cross-entropy', number)
    .addOption(new Option('--class-weights <mode>', 'class weighting').choices(['off', 'inverse-frequency']))
    .option('--early-stopping <patience>', 'stop after this many epochs without improvement', integer)
    .option('--seed <n>', 'random seed', integer)
    .addOption(new Option('--backend <name>', 'compute backend').choices([...BACKEND_CHOICES]))
    .option('--input-size <n>', 'model input side (modelConfig.inputSize)', integer)
    .option('--width-multiplier <x>', 'model width multiplier (modelConfig.widthMultiplier)', number)
    .addOption(new Option('--head <kind>', 'classifier head').choices(['softmax', 'svm']))
    .option('--no-augment', 'turn data augmentation off')
    .option('--max-per-split <n>', 'use at most n samples per split (quick experiments)', integer)
    .option('--name <text>', 'a name for the run')
    .option('--json', 'no progress output; print the summary as JSON')
    .action(async (flags: TrainFlags) => {
      const code = await (async () => {
        const raw = buildRawConfig(flags);
        if (!raw.model) throw new TrainCliError('no model: pass --model <name> (or "model" in --config)');
        const data = raw.data as Json;
        if (!data.path) throw new TrainCliError('no dataset: pass --data <path> (or data.path in --config)');
        // Validate before opening the store, so a typo never creates a home folder or database.
        validateRunConfig(raw);
        return withService(program, async (service, store) => {
          const { runId: id } = await service.start(raw);
          if (!flags.json) process.stderr.write(`run ${id} started (home ${store.home})\n`);
          return exitCodeOf(await follow(service, store, id, flags.json === true));
        });
      })();
      if (code !== 0) process.exitCode = code;
    });

  program
    .command('resume')
    .description('continue an interrupted or stopped run from its last checkpoint')
    .argument('<run>', 'run id', runId)
    .option('--json', 'no progress output; print the summary as JSON')
    .action(async (id: number, flags: { json?: boolean }) => {
      const code = await withService(program, async (service, store) => {
        const { fromEpoch } = await service.resume(id);
        if (!flags.json) process.stderr.write(`run ${id} resumes after epoch ${fromEpoch}\n`);
        return exitCodeOf(await follow(service, store, id, flags.json === true));
      });
      if (code !== 0) process.exitCode = code;
    });

  program
    .command('eval')
    .description("evaluate a run's checkpoint on a split and store the metrics and per-sample predictions")
    .argument('<run>', 'run id', runId)
    .addOption(new Option('--split <split>', 'dataset split').choices([...SPLITS]).default('test'))
    .option('--tta', 'test-time augmentation: average ten crops')
    .addOption(new Option('--checkpoint <kind>', 'which checkpoint').choices(['best', 'last']).default('best'))
    .option('--json', 'print the full report as JSON')
    .action(async (id: number, flags: { split: Split; tta?: boolean; checkpoint: 'best' | 'last'; json?: boolean }) => {
      await withService(program, async (service) => {
          const ev = await service.evaluate(id, { split: flags.split, tta: flags.tta === true, checkpoint: flags.checkpoint });
          const r = ev.report;
          if (flags.json) {
            process.stdout.write(`${JSON.stringify({ runId: id, evaluationId: ev.evaluationId, split: ev.split, tta: ev.tta, checkpoint: ev.checkpoint, report: r }, null, 2)}\n`);
            return;
          }
          const lines = [
            `run ${id}, ${ev.checkpoint} checkpoint, ${ev.split} split (${r.numSamples} samples)${ev.tta ? ', ten-crop TTA' : ''}:`,
            `accuracy ${fmt(r.accuracy)}  macro F1 ${fmt(r.macroF1)}  weighted F1 ${fmt(r.weightedF1)}  top-2 ${fmt(r.top2Accuracy)}  ECE ${fmt(r.ece)}`,
            'per class (precision / recall / F1):',
            ...r.perClass.map((c) => `  ${c.className.padEnd(10)} ${fmt(c.precision, 3)} / ${fmt(c.recall, 3)} / ${fmt(c.f1, 3)}`),
            'confusion (rows true, columns predicted):',
            ...r.confusion.map((row, i) => `  ${(r.classNames[i] ?? String(i)).padEnd(10)} ${row.map((v) => String(v).padStart(5)).join('')}`),
            `stored as evaluation ${ev.evaluationId}`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}
