/**
 * RunService: the one place that starts, watches and records training and evaluation. The CLI, the
 * browser-mode server and Electron main all drive runs through it.
 *
 * API (all run ids are the RunStore's numeric ids):
 *   const runs = new RunService({ store, transport?, loadDataset?, batchFlushMs?, batchIntervalMs? });
 *   const off = runs.on('epoch', (e) => ...);      // typed events, see RunServiceEvents; returns unsubscribe
 *   const { runId } = await runs.start(configInput, { dataset? });  // validates, creates the run, forks a worker
 *   runs.pause(runId); runs.resumePaused(runId);   // pause between batches / continue
 *   runs.stop(runId);                              // finish the batch, save checkpoints, mark 'stopped'
 *   await runs.resume(runId, { dataset? });        // continue an interrupted/stopped/failed run from 'last'
 *   const ev = await runs.evaluate(runId, { split: 'test', tta: false, checkpoint: 'best' });
 *   const outcome = await runs.wait(runId);        // resolves when the run's worker has exited
 *   runs.isActive(runId); runs.activeRuns();
 *   await runs.shutdown();                         // stops every worker (kill), marks their runs 'interrupted'
 *
 * Events (`runs.on(name, cb)`), each with `runId`:
 *   status     { status: 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'interrupted', error? }
 *   backend    { report }                         chosen backend, GPU flag, device, versions
 *   dataset    { summary }                        split/class counts the run uses
 *   batch      BatchEvent                          throttled in the worker to <= 10/s
 *   epoch      EpochEvent                          also written to the store
 *   checkpoint CheckpointEvent
 *   evaluation { evaluationId, split, tta, checkpoint, report }
 *   log        { level, message }
 *   exit       { code, signal, stderrTail, cause } the worker process ended (cause is human-readable)
 *
 * Workers: by default `forkTransport()` (child_process.fork of worker-main.ts through tsx; pass
 * `forkTransport({ entry })` for a built worker.js). Electron main passes
 *   transport: () => utilityProcessTransport(utilityProcess.fork(join(__dirname, 'worker.js'), [], { stdio: 'pipe' }))
 * (electron-vite builds src-main/worker/worker-main.ts to out/main/worker.js); the worker detects
 * process.parentPort itself.
 *
 * The parent never blocks on the worker: everything arrives as messages. A worker that dies without
 * reporting (kill -9, native crash, out of memory) leaves the run 'interrupted' (signal) or 'failed'
 * (exit code), with the cause and the last stderr lines stored as the run's error.
 * Metrics are written to the RunStore as they arrive: one transaction per epoch, batch rows buffered
 * and flushed about once a second.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import type { FerDataset, Split } from '../data/types.ts';
import { SPLITS } from '../data/types.ts';
import type { RunStore, RunRecord, BatchMetrics, JsonObject } from '../store/run-store.ts';
import type { EvaluationReport } from '../ml/metrics/evaluate.ts';
import type { BackendReport } from '../ml/backend.ts';
import { ConfigError, importSize, parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../ml/train-config.ts';
import { modelInfo, parseModelConfig } from '../ml/models/registry.ts';
import { ModelConfigError } from '../ml/models/config.ts';
import { checkpointDir, readLoopState } from '../ml/train/checkpoint.ts';
import { loadDataSource } from '../worker/dataset-source.ts';
import { forkTransport, type TransportFactory, type WorkerExit, type WorkerTransport } from '../worker/transport.ts';
import type {
  BatchEvent,
  CheckpointEvent,
  CheckpointKind,
  DataSource,
  DatasetSummary,
  EpochEvent,
  FromWorker,
  ToWorker,
} from '../worker/protocol.ts';

export type LiveStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface ExitInfo extends WorkerExit {
  cause: string;
}

export interface RunServiceEvents {
  status: { runId: number; status: LiveStatus; error?: string };
  backend: { runId: number; report: BackendReport };
  dataset: { runId: number; summary: DatasetSummary };
  batch: { runId: number } & BatchEvent;
  epoch: { runId: number } & EpochEvent;
  checkpoint: { runId: number } & CheckpointEvent;
  evaluation: { runId: number; evaluationId: number; split: Split; tta: boolean; checkpoint: CheckpointKind; report: EvaluationReport };
  log: { runId: number; level: 'info' | 'warn' | 'error'; message: string };
  exit: { runId: number } & ExitInfo;
}

export interface RunOutcome {
  runId: number;
  status: 'completed' | 'stopped' | 'failed' | 'interrupted';
  error: string | null;
  exit: ExitInfo;
}

export interface EvaluateOptions {
  split?: Split;
  tta?: boolean;
  checkpoint?: CheckpointKind;
  /** Required only when the run was trained on an in-memory dataset. */
  dataset?: FerDataset;
}

export interface EvaluationOutcome {
  evaluationId: number;
  split: Split;
  tta: boolean;
  checkpoint: CheckpointKind;
  report: EvaluationReport;
}

export interface RunServiceOptions {
  store: RunStore;
  /** Starts a worker process; defaults to child_process.fork of worker-main.ts. */
  transport?: TransportFactory;
  /** Loads a dataset by path in the parent (to validate the path and fingerprint it before a run exists). */
  loadDataset?: (path: string, home: string, size: number) => Promise<FerDataset>;
  /** Batch-metric rows are written at most this often (ms). */
  batchFlushMs?: number;
  /** Minimum ms between batch events from the worker. */
  batchIntervalMs?: number;
}

/** A bad request (unknown run, wrong state, missing checkpoint): callers show the message as is. */
export class RunServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunServiceError';
  }
}

interface Job {
  runId: number;
  kind: 'train' | 'evaluate';
  transport: WorkerTransport;
  done: FromWorker & { type: 'done' } | null;
  error: string | null;
  batches: BatchMetrics[];
  flushTimer: NodeJS.Timeout | null;
  finished: Promise<RunOutcome>;
  evaluation: EvaluationOutcome | null;
}

function describeExit(exit: WorkerExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderrTail.length > 0 ? `; last stderr lines:\n${exit.stderrTail.join('\n')}` : '';
  return `worker process ${how}${tail}`;
}

function datasetCounts(dataset: FerDataset): JsonObject {
  const counts: Record<string, number[]> = {};
  for (const split of SPLITS) counts[split] = new Array<number>(dataset.classNames.length).fill(0);
  for (let i = 0; i < dataset.labels.length; i++) {
    const split = SPLITS[dataset.splits[i]!];
    if (split) counts[split]![dataset.labels[i]!]! += 1;
  }
  return counts;
}

/** Parses a run config and checks the model name and model options; errors name the field. */
export function validateRunConfig(input: TrainConfigInput | unknown): TrainConfig {
  const config = parseTrainConfig(input);
  modelInfo(config.model);
  try {
    parseModelConfig({ ...config.modelConfig });
  } catch (err) {
    if (err instanceof ModelConfigError) {
      throw new ConfigError(`invalid config:\n${err.fields.map((f) => `modelConfig.${f}`).join(', ')}: ${err.message}`, err.fields.map((f) => `modelConfig.${f}`));
    }
    throw err;
  }
  return config;
}

export class RunService {
  private readonly emitter = new EventEmitter();
  private readonly jobs = new Map<number, Job>();
  private readonly store: RunStore;
  private readonly transport: TransportFactory;
  private readonly loadDataset: (path: string, home: string, size: number) => Promise<FerDataset>;
  private readonly batchFlushMs: number;
  private readonly batchIntervalMs: number;
  /** Longest synchronous handling of one worker message (store writes included), for diagnostics. */
  readonly stats = { messages: 0, maxHandleMs: 0 };

  constructor(options: RunServiceOptions) {
    this.store = options.store;
    this.transport = options.transport ?? (() => forkTransport());
    this.loadDataset = options.loadDataset ?? ((path, home, size) => loadDataSource({ kind: 'path', path, size }, home));
    this.batchFlushMs = options.batchFlushMs ?? 1000;
    this.batchIntervalMs = options.batchIntervalMs ?? 100;
    // Listeners are user code; an 'error'-named event must never crash the service.
    this.emitter.setMaxListeners(0);
  }

  get home(): string {
    return this.store.home;
  }

  on<K extends keyof RunServiceEvents>(event: K, cb: (e: RunServiceEvents[K]) => void): () => void {
    this.emitter.on(event, cb);
    return () => this.emitter.off(event, cb);
  }

  private emit<K extends keyof RunServiceEvents>(event: K, payload: RunServiceEvents[K]): void {
    try {
      this.emitter.emit(event, payload);
    } catch (err) {
      // A throwing listener must not break bookkeeping for the run.
      process.emitWarning(`RunService '${event}' listener threw: ${(err as Error).message}`);
    }
  }

  isActive(runId: number): boolean {
    return this.jobs.has(runId);
  }

  activeRuns(): number[] {
    return [...this.jobs.keys()];
  }

  /** Validates a config (model name and model options included) without starting anything. */
  validate(input: TrainConfigInput | unknown): TrainConfig {
    return validateRunConfig(input);
  }

  private async resolveDataset(config: TrainConfig, dataset?: FerDataset): Promise<{ dataset: FerDataset; source: DataSource }> {
    if (dataset) return { dataset, source: { kind: 'inline', dataset } };
    if (!config.data.path) throw new RunServiceError('no dataset: set data.path (--data) or pass a dataset');
    const size = importSize(config);
    const loaded = await this.loadDataset(config.data.path, this.home, size);
    return { dataset: loaded, source: { kind: 'path', path: config.data.path, size } };
  }

  /** Validates the config, loads the dataset, creates the run and starts its worker. */
  async start(input: TrainConfigInput | unknown, options: { dataset?: FerDataset } = {}): Promise<{ runId: number; config: TrainConfig }> {
    const config = this.validate(input);
    const { dataset, source } = await this.resolveDataset(config, options.dataset);
    this.store.upsertDataset({
      fingerprint: dataset.fingerprint,
      name: dataset.name,
      source: dataset.source,
      format: dataset.format,
      classNames: dataset.classNames,
      counts: datasetCounts(dataset),
    });
    const runId = this.store.createRun({
      modelName: config.model,
      config,
      seed: config.seed,
      datasetFingerprint: dataset.fingerprint,
      notes: config.name ?? '',
    });
    const runDir = this.store.runDir(runId);
    mkdirSync(runDir, { recursive: true });
    this.launch(runId, 'train', { type: 'start', runId, runDir, home: this.home, config, data: source, resume: false, batchIntervalMs: this.batchIntervalMs });
    return { runId, config };
  }

  /** Continues an interrupted, stopped or failed run from its last checkpoint. */
  async resume(runId: number, options: { dataset?: FerDataset } = {}): Promise<{ runId: number; fromEpoch: number }> {
    const run = this.requireRun(runId);
    if (this.jobs.has(runId) || run.status === 'running') throw new RunServiceError(`run ${runId} is already running`);
    if (run.status === 'completed') throw new RunServiceError(`run ${runId} is completed; nothing to resume`);
    const runDir = this.store.runDir(runId);
    const dir = checkpointDir(runDir, 'last');
    if (!dir) throw new RunServiceError(`run ${runId} has no checkpoint to resume from (looked in ${runDir})`);
    const state = readLoopState(dir);
    const config = parseTrainConfig(this.store.getRunConfig(runId), `stored config of run ${runId}`);
    if (state.epoch >= config.training.epochs && !state.partial) {
      throw new RunServiceError(`run ${runId} already finished all ${config.training.epochs} epochs`);
    }
    const { dataset, source } = await this.resolveDataset(config, options.dataset);
    if (run.datasetFingerprint && dataset.fingerprint !== run.datasetFingerprint) {
      throw new RunServiceError(
        `dataset at ${dataset.source} has changed since run ${runId} started (fingerprint ${dataset.fingerprint}, run used ${run.datasetFingerprint})`,
      );
    }
    this.store.updateRun(runId, { resumedFromEpoch: state.epoch });
    this.launch(runId, 'train', { type: 'start', runId, runDir, home: this.home, config, data: source, resume: true, batchIntervalMs: this.batchIntervalMs });
    return { runId, fromEpoch: state.epoch };
  }

  /** Evaluates a run's checkpoint on a split in a fresh worker and stores the result. */
  async evaluate(runId: number, options: EvaluateOptions = {}): Promise<EvaluationOutcome> {
    const run = this.requireRun(runId);
    if (this.jobs.has(runId)) throw new RunServiceError(`run ${runId} is busy (training or evaluating); stop it first`);
    const split = options.split ?? 'test';
    const checkpoint = options.checkpoint ?? 'best';
    const runDir = this.store.runDir(runId);
    if (!checkpointDir(runDir, checkpoint)) throw new RunServiceError(`run ${runId} has no '${checkpoint}' checkpoint in ${runDir}`);
    const config = parseTrainConfig(this.store.getRunConfig(runId), `stored config of run ${runId}`);
    const { dataset, source } = await this.resolveDataset(config, options.dataset);
    if (run.datasetFingerprint && dataset.fingerprint !== run.datasetFingerprint) {
      throw new RunServiceError(`dataset at ${dataset.source} has changed since run ${runId} was trained`);
    }
    const job = this.launch(runId, 'evaluate', {
      type: 'evaluate',
      runId,
      runDir,
      home: this.home,
      config,
      data: source,
      split,
      tta: options.tta ?? false,
      checkpoint,
    });
    const outcome = await job.finished;
    if (!job.evaluation) throw new RunServiceError(`evaluation of run ${runId} failed: ${outcome.error ?? 'no result'}`);
    return job.evaluation;
  }

  stop(runId: number): void {
    this.requireJob(runId).transport.send({ type: 'stop' });
  }

  pause(runId: number): void {
    this.requireJob(runId).transport.send({ type: 'pause' });
  }

  resumePaused(runId: number): void {
    this.requireJob(runId).transport.send({ type: 'resume' });
  }

  wait(runId: number): Promise<RunOutcome> {
    return this.requireJob(runId).finished;
  }

  /** Kills every worker and waits for them; their runs end 'interrupted' (resumable). */
  async shutdown(): Promise<void> {
    const pending = [...this.jobs.values()].map((j) => {
      j.transport.kill('SIGKILL');
      return j.finished;
    });
    await Promise.allSettled(pending);
  }

  private requireRun(runId: number): RunRecord {
    const run = this.store.getRun(runId);
    if (!run) throw new RunServiceError(`no run with id ${runId} in ${this.store.file}`);
    return run;
  }

  private requireJob(runId: number): Job {
    const job = this.jobs.get(runId);
    if (!job) throw new RunServiceError(`run ${runId} has no active worker`);
    return job;
  }

  private launch(runId: number, kind: Job['kind'], first: ToWorker): Job {
    const transport = this.transport();
    let resolveFinished!: (o: RunOutcome) => void;
    const job: Job = {
      runId,
      kind,
      transport,
      done: null,
      error: null,
      batches: [],
      flushTimer: null,
      finished: new Promise((resolve) => (resolveFinished = resolve)),
      evaluation: null,
    };
    this.jobs.set(runId, job);
    transport.onMessage((msg) => {
      const t0 = performance.now();
      try {
        this.handle(job, msg);
        this.stats.messages += 1;
        this.stats.maxHandleMs = Math.max(this.stats.maxHandleMs, performance.now() - t0);
      } catch (err) {
        // A store failure while recording must not leave the worker running unobserved.
        job.error = `recording worker message '${msg.type}' failed: ${(err as Error).message}`;
        transport.kill('SIGKILL');
      }
    });
    transport.onExit((exit) => resolveFinished(this.finish(job, exit)));
    transport.send(first);
    return job;
  }

  private flushBatches(job: Job): void {
    if (job.flushTimer) clearTimeout(job.flushTimer);
    job.flushTimer = null;
    if (job.batches.length === 0) return;
    const rows = job.batches;
    job.batches = [];
    this.store.appendBatchMetrics(job.runId, rows);
  }

  private handle(job: Job, msg: FromWorker): void {
    const { runId } = job;
    switch (msg.type) {
      case 'ready':
        if (job.kind === 'train') {
          this.store.markRunning(runId, msg.pid);
          this.emit('status', { runId, status: 'running' });
        }
        return;
      case 'backend': {
        if (job.kind === 'train') {
          const { versions, ...rest } = msg.report;
          this.store.updateRun(runId, { backend: { ...rest }, versions: { ...versions, node: process.version } });
        }
        this.emit('backend', { runId, report: msg.report });
        return;
      }
      case 'dataset':
        this.emit('dataset', { runId, summary: msg.summary });
        return;
      case 'batch': {
        const { type: _t, ...e } = msg;
        job.batches.push({ epoch: e.epoch, batch: e.batch, loss: e.loss, acc: e.acc, imagesPerSec: e.imagesPerSec, etaS: e.etaS, atMs: e.atMs });
        job.flushTimer ??= setTimeout(() => this.flushBatches(job), this.batchFlushMs);
        this.emit('batch', { runId, ...e });
        return;
      }
      case 'epoch': {
        const { type: _t, ...e } = msg;
        this.flushBatches(job);
        this.store.recordEpoch(runId, {
          epoch: e.epoch,
          trainLoss: e.trainLoss,
          trainAcc: e.trainAcc,
          valLoss: e.valLoss,
          valAcc: e.valAcc,
          lr: e.lr,
          elapsedMs: e.elapsedMs,
          numTensors: e.numTensors,
        });
        if (e.best) this.store.updateRun(runId, { bestEpoch: e.epoch, bestValAcc: e.valAcc ?? e.trainAcc });
        this.emit('epoch', { runId, ...e });
        return;
      }
      case 'checkpoint':
        this.store.setArtifact(runId, msg.kind, msg.epoch, msg.path);
        this.emit('checkpoint', { runId, kind: msg.kind, epoch: msg.epoch, path: msg.path });
        return;
      case 'evaluation': {
        const evaluationId = this.store.addEvaluation({
          runId,
          split: msg.split,
          tta: msg.tta,
          checkpoint: msg.checkpoint,
          report: msg.report,
          predictions: msg.predictions,
        });
        if (msg.split === 'test') this.store.updateRun(runId, { testAcc: msg.report.accuracy });
        job.evaluation = { evaluationId, split: msg.split, tta: msg.tta, checkpoint: msg.checkpoint, report: msg.report };
        this.emit('evaluation', { runId, ...job.evaluation });
        return;
      }
      case 'state':
        this.emit('status', { runId, status: msg.state });
        return;
      case 'log':
        this.emit('log', { runId, level: msg.level, message: msg.message });
        return;
      case 'done':
        job.done = msg;
        return;
      case 'error':
        job.error = msg.message;
        this.emit('log', { runId, level: 'error', message: msg.message });
        return;
    }
  }

  private finish(job: Job, exit: WorkerExit): RunOutcome {
    const { runId } = job;
    this.jobs.delete(runId);
    let status: RunOutcome['status'];
    let error: string | null = null;
    let cause: string;
    if (job.done && !job.error) {
      status = job.done.status;
      cause = `worker finished (${job.done.reason})`;
    } else if (job.error) {
      status = 'failed';
      error = job.error;
      cause = `worker reported an error: ${job.error}`;
    } else {
      // No report at all: killed (kill -9, OOM killer) or crashed natively.
      cause = describeExit(exit);
      status = exit.signal ? 'interrupted' : 'failed';
      error = cause;
    }
    try {
      this.flushBatches(job);
      if (job.kind === 'train') this.store.finishRun(runId, status, error);
    } catch (err) {
      error = `${error ?? ''}\nrecording the end of run ${runId} failed: ${(err as Error).message}`.trim();
    }
    const exitInfo: ExitInfo = { ...exit, cause };
    this.emit('exit', { runId, ...exitInfo });
    if (job.kind === 'train') this.emit('status', { runId, status, ...(error ? { error } : {}) });
    return { runId, status, error, exit: exitInfo };
  }
}

/** True when `runDir` holds a usable checkpoint of `kind` (for UIs deciding what to offer). */
export function hasCheckpoint(runDir: string, kind: CheckpointKind): boolean {
  return existsSync(runDir) && checkpointDir(runDir, kind) !== null;
}
