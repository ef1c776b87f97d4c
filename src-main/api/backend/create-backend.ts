/**
 * The API's implementation: wires the contract's methods to the domain modules (dataset import,
 * RunStore, RunService, metrics) and turns RunService events into the contract's pushed events.
 * Electron main and the browser-mode server both build exactly this; they differ only in the
 * transport, the worker process factory and the native dialogs they pass in.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RunStore } from '../../store/run-store.ts';
import { hasCheckpoint, RunService, RunServiceError, type LiveStatus } from '../../engine/run-service.ts';
import type { TransportFactory } from '../../worker/transport.ts';
import { ConfigError, importSize, parseTrainConfig, trainConfigSchema } from '../../ml/train-config.ts';
import { modelConfigSchema, parseModelConfig } from '../../ml/models/config.ts';
import { MODEL_NAMES, MODELS } from '../../ml/models/registry.ts';
import { importDataset } from '../../data/import-dataset.ts';
import { ApiError, type ApiHandlers } from '../contract.ts';
import { ApiEventBus } from '../dispatch.ts';
import type { BackendInfo, MisclassifiedItem, RunStatus, SplitName, TrainingSetup } from '../types.ts';
import { DatasetLibrary, datasetDetail, datasetSamples, datasetSummary, facePixels } from './dataset-library.ts';
import { PRESETS } from './presets.ts';
import { runDetail, runSummary } from './run-view.ts';
import { comparisonCsv, comparisonLatex, mcnemarPairs, paramDiff } from './compare.ts';
import { runModelFiles } from './run-model.ts';
import { createExperimentBackend } from '../../experiments/api-handlers.ts';

export interface BackendOptions {
  home: string;
  mode: 'desktop' | 'browser';
  /** Worker process factory (Electron passes a utilityProcess one); default child_process.fork. */
  transport?: TransportFactory;
  /** Native file dialog (desktop only). */
  pickPath?: (kind: 'folder' | 'file') => Promise<string | null>;
  /** Opens a link in the system browser (desktop only). */
  openExternal?: (url: string) => Promise<void>;
  /** An already-open store (Electron opens it with its own better-sqlite3 binary). */
  store?: RunStore;
  /** App version shown in the UI; default: package.json's. */
  version?: string;
}

export interface Backend {
  handlers: ApiHandlers;
  events: ApiEventBus;
  store: RunStore;
  runs: RunService;
  close(): Promise<void>;
}

function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function runIdOf(id: string): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ApiError(`runId: "${id}" is not a run id`, 'invalid-input');
  return n;
}

/** Domain errors become API errors the UI can show as they are. */
function translate(err: unknown): never {
  if (err instanceof ApiError) throw err;
  if (err instanceof ConfigError) throw new ApiError(err.message, 'invalid-input');
  if (err instanceof RunServiceError) throw new ApiError(err.message, 'conflict');
  const e = err as Error;
  if (e?.name === 'DatasetError' || e?.name === 'ModelConfigError' || e?.name === 'StoreError') throw new ApiError(e.message, 'invalid-input');
  throw err;
}

function guard<A, R>(fn: (args: A) => Promise<R> | R): (args: A) => Promise<R> {
  return async (args: A) => {
    try {
      return await fn(args);
    } catch (err) {
      translate(err);
    }
  };
}

function backendInfoFromReport(report: { name: string; gpu: boolean; device: string | null; warnings: string[] }): BackendInfo {
  return {
    name: report.name,
    gpu: report.gpu,
    ...(report.device ? { device: report.device } : {}),
    ...(report.warnings.length ? { warning: report.warnings.join(' ') } : {}),
  };
}

/** JSON Schema of the run config the Train form renders: the engine's schema with the model zoo's inlined. */
export function trainingSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(trainConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const props = { ...(schema.properties as Record<string, unknown>) };
  props.model = { type: 'string', enum: [...MODEL_NAMES], description: 'Model architecture (see the model zoo)' };
  props.modelConfig = z.toJSONSchema(modelConfigSchema, { io: 'input', unrepresentable: 'any' });
  // The UI sets these from its own fields (dataset picker, run name).
  delete props.name;
  const data = props.data as { properties?: Record<string, unknown> } | undefined;
  if (data?.properties) {
    const { path: _path, ...rest } = data.properties;
    props.data = { ...data, properties: rest };
  }
  return { ...schema, properties: props };
}

export function trainingDefaults(model = 'vgg-fer'): Record<string, unknown> {
  const cfg = parseTrainConfig({ model }) as unknown as Record<string, unknown>;
  const { name: _n, ...rest } = cfg;
  const data = { ...(rest.data as Record<string, unknown>) };
  delete data.path;
  return { ...rest, data, modelConfig: parseModelConfig({}) };
}

export function createBackend(options: BackendOptions): Backend {
  const store = options.store ?? RunStore.open(options.home);
  const runs = new RunService({ store, ...(options.transport ? { transport: options.transport } : {}) });
  const library = new DatasetLibrary(options.home);
  const events = new ApiEventBus();
  const live = new Map<number, LiveStatus>();
  const backends = new Map<number, BackendInfo>();
  const version = options.version ?? appVersion();

  const statusOf = (runId: number): RunStatus | undefined => (runs.isActive(runId) ? live.get(runId) : undefined);
  const now = (): string => new Date().toISOString();
  const offs = [
    runs.on('status', (e) => {
      live.set(e.runId, e.status);
      const backend = backends.get(e.runId);
      events.emit('training:status', {
        runId: String(e.runId),
        status: e.status,
        ...(e.error ? { message: e.error } : {}),
        ...(backend ? { backend } : {}),
      });
      if (e.error) events.emit('training:log', { runId: String(e.runId), level: 'error', message: e.error, time: now() });
    }),
    runs.on('backend', (e) => {
      const info = backendInfoFromReport(e.report);
      backends.set(e.runId, info);
      events.emit('training:status', { runId: String(e.runId), status: live.get(e.runId) ?? 'running', backend: info });
      events.emit('training:log', {
        runId: String(e.runId),
        level: e.report.warnings.length ? 'warn' : 'info',
        message: `backend ${e.report.name}${e.report.device ? ` (${e.report.device})` : ''}${e.report.gpu ? ' on GPU' : ' on CPU'}`,
        time: now(),
      });
    }),
    runs.on('dataset', (e) =>
      events.emit('training:log', {
        runId: String(e.runId),
        level: 'info',
        message: `dataset ${e.summary.name}: ${Object.entries(e.summary.counts)
          .map(([s, c]) => `${s} ${c.reduce((a, b) => a + b, 0)}`)
          .join(', ')}`,
        time: now(),
      }),
    ),
    runs.on('batch', (e) =>
      events.emit('training:batch', {
        runId: String(e.runId),
        epoch: e.epoch,
        batch: e.batch,
        batchesPerEpoch: e.batches,
        loss: e.loss,
        acc: e.acc,
        imagesPerSec: e.imagesPerSec,
        etaSec: Number.isFinite(e.etaS) ? e.etaS : null,
      }),
    ),
    runs.on('epoch', (e) => {
      events.emit('training:epoch', {
        runId: String(e.runId),
        epoch: e.epoch,
        epochsPlanned: e.epochs,
        trainLoss: e.trainLoss,
        trainAcc: e.trainAcc,
        valLoss: e.valLoss,
        valAcc: e.valAcc,
        lr: e.lr,
        seconds: e.elapsedMs / 1000,
      });
      const val = e.valAcc === null ? '' : `, val acc ${(e.valAcc * 100).toFixed(1)}%`;
      events.emit('training:log', {
        runId: String(e.runId),
        level: 'info',
        message: `epoch ${e.epoch}/${e.epochs}: loss ${e.trainLoss.toFixed(4)}, acc ${(e.trainAcc * 100).toFixed(1)}%${val}${e.best ? ' (best)' : ''}`,
        time: now(),
      });
    }),
    runs.on('evaluation', (e) =>
      events.emit('training:log', {
        runId: String(e.runId),
        level: 'info',
        message: `${e.split} evaluation: accuracy ${(e.report.accuracy * 100).toFixed(2)}%, macro F1 ${e.report.macroF1.toFixed(3)}`,
        time: now(),
      }),
    ),
    runs.on('log', (e) => events.emit('training:log', { runId: String(e.runId), level: e.level, message: e.message, time: now() })),
    runs.on('exit', (e) => {
      if (e.code !== 0 || e.signal) events.emit('training:log', { runId: String(e.runId), level: 'error', message: e.cause, time: now() });
    }),
  ];

  /**
   * When a training job ends with weights saved, score it on the test split so the run table and
   * Compare (metrics, confusion matrices, McNemar) have a test evaluation without an extra click.
   */
  const evaluateWhenDone = (runId: number): void => {
    void runs.wait(runId).then(
      async (outcome) => {
        if (outcome.status !== 'completed' && outcome.status !== 'stopped') return;
        const dir = store.runDir(runId);
        const checkpoint = hasCheckpoint(dir, 'best') ? 'best' : hasCheckpoint(dir, 'last') ? 'last' : null;
        if (!checkpoint) return;
        events.emit('training:log', { runId: String(runId), level: 'info', message: `evaluating the ${checkpoint} checkpoint on test…`, time: now() });
        try {
          await runs.evaluate(runId, { split: 'test', checkpoint });
        } catch (err) {
          events.emit('training:log', { runId: String(runId), level: 'error', message: `test evaluation failed: ${(err as Error).message}`, time: now() });
        }
        const run = store.getRun(runId);
        if (run) events.emit('training:status', { runId: String(runId), status: run.status, message: 'test evaluation finished' });
      },
      () => undefined,
    );
  };

  const requireRun = (id: string) => {
    const run = store.getRun(runIdOf(id));
    if (!run) throw new ApiError(`no run with id ${id}`, 'not-found');
    return run;
  };

  const experiments = createExperimentBackend({ store, runs, datasetPath: (id) => library.entry(id).source });
  const handlers: ApiHandlers = {
    'app:info': () => ({
      version,
      mode: options.mode,
      nativeDialogs: Boolean(options.pickPath),
      home: options.home,
      platform: process.platform,
    }),
    'app:pickPath': async ({ kind }) => (options.pickPath ? options.pickPath(kind) : null),
    'app:openExternal': async ({ url }) => {
      if (!options.openExternal) return false;
      await options.openExternal(url);
      return true;
    },

    'datasets:list': guard(async () => {
      const out = [];
      for (const entry of library.list()) {
        try {
          const { report } = await library.load(entry.id);
          out.push(datasetSummary(entry, report));
        } catch (err) {
          // A moved or deleted source must not hide the other datasets, nor silently drop this one.
          out.push({
            id: entry.id,
            name: entry.name,
            source: entry.source,
            format: '',
            classNames: [],
            height: entry.size,
            width: entry.size,
            total: 0,
            counts: { train: [], val: [], test: [] },
            importedAt: entry.importedAt,
            error: (err as Error).message,
          });
        }
      }
      return out;
    }),
    'datasets:import': guard(async (args) => {
      let last = 0;
      const { entry, loaded } = await library.import(
        args.path,
        { size: args.imageSize, ferPlus: args.ferPlusPath, valFraction: args.valFraction, seed: args.seed },
        (done, total) => {
          // Progress at most ~20 times a second: decoding 35k files must not flood the UI.
          const t = Date.now();
          if (done !== total && t - last < 50) return;
          last = t;
          events.emit('datasets:progress', { source: args.path, phase: 'decoding', done, total });
        },
      );
      return datasetDetail(entry, loaded.report);
    }),
    'datasets:get': guard(async ({ datasetId }) => {
      const { entry, report } = await library.load(datasetId);
      return datasetDetail(entry, report);
    }),
    'datasets:samples': guard(async ({ datasetId, perClass, split }) => {
      const { dataset } = await library.load(datasetId);
      return datasetSamples(datasetId, dataset, split, perClass);
    }),
    'datasets:remove': ({ datasetId }) => library.remove(datasetId),

    'models:list': () => MODEL_NAMES.map((name) => ({ name, description: MODELS[name].description })),

    'training:setup': (): TrainingSetup => ({
      schema: trainingSchema(),
      defaults: trainingDefaults(),
      presets: PRESETS,
      models: MODEL_NAMES.map((name) => ({ name, description: MODELS[name].description })),
    }),
    'training:start': guard(async ({ datasetId, name, config }) => {
      const entry = library.entry(datasetId);
      const data = { ...((config.data as Record<string, unknown> | undefined) ?? {}), path: entry.source };
      const input = { ...config, data, ...(name ? { name } : {}) };
      const { runId } = await runs.start(input);
      live.set(runId, 'running');
      evaluateWhenDone(runId);
      return runSummary(store, store.requireRun(runId), 'running');
    }),
    'training:stop': guard(({ runId }) => (runs.stop(runIdOf(runId)), true)),
    'training:pause': guard(({ runId }) => (runs.pause(runIdOf(runId)), true)),
    'training:resume': guard(({ runId }) => (runs.resumePaused(runIdOf(runId)), true)),
    'training:active': () => runs.activeRuns().map(String),

    'runs:list': guard(() => store.listRuns().map((r) => runSummary(store, r, statusOf(r.id)))),
    'runs:get': guard(({ runId }) => {
      const run = requireRun(runId);
      return runDetail(store, run, statusOf(run.id));
    }),
    'runs:update': guard(({ runId, notes, tags, name }) => {
      const run = requireRun(runId);
      if (notes !== undefined) store.setNotes(run.id, notes);
      if (tags !== undefined) store.setTags(run.id, [...new Set(tags)]);
      if (name !== undefined) throw new ApiError('name: runs are named when they start; rename is not supported', 'invalid-input');
      return runSummary(store, store.requireRun(run.id), statusOf(run.id));
    }),
    'runs:delete': guard(({ runId }) => {
      const run = requireRun(runId);
      if (runs.isActive(run.id)) throw new ApiError(`run ${runId} is still running; stop it before deleting`, 'conflict');
      store.deleteRun(run.id);
      return true;
    }),
    'runs:evaluate': guard(async ({ runId, split, tta }) => {
      const run = requireRun(runId);
      await runs.evaluate(run.id, { split, tta });
      return runDetail(store, store.requireRun(run.id), statusOf(run.id));
    }),
    'runs:resume': guard(async ({ runId }) => {
      const run = requireRun(runId);
      await runs.resume(run.id);
      live.set(run.id, 'running');
      evaluateWhenDone(run.id);
      return runSummary(store, store.requireRun(run.id), 'running');
    }),
    'runs:model': guard(({ runId }) => runModelFiles(store, requireRun(runId).id)),
    'runs:misclassified': guard(async ({ runId, split, limit, offset }) => {
      const run = requireRun(runId);
      const ev = store.latestEvaluation(run.id, split);
      if (!ev) throw new ApiError(`run ${runId} has no ${split} evaluation yet; evaluate it first`, 'not-found');
      const preds = store.getPredictions(ev.id);
      if (!preds) throw new ApiError(`run ${runId}'s ${split} evaluation stored no per-sample predictions`, 'not-found');
      const config = parseTrainConfig(store.getRunConfig(run.id), `stored config of run ${runId}`);
      if (!config.data.path) throw new ApiError(`run ${runId} was trained on an in-memory dataset; its faces cannot be shown`, 'unavailable');
      const { dataset } = await importDataset(config.data.path, { home: options.home, size: importSize(config) });
      const wrong: MisclassifiedItem[] = [];
      for (let i = 0; i < preds.sampleIndex.length; i++) {
        if (preds.predicted[i] === preds.trueLabels[i]) continue;
        const index = preds.sampleIndex[i] as number;
        if (index >= dataset.labels.length) continue;
        wrong.push({
          index,
          file: dataset.files[index] ?? String(index),
          trueLabel: preds.trueLabels[i] as number,
          predLabel: preds.predicted[i] as number,
          confidence: preds.probability[i] as number,
          width: dataset.width,
          height: dataset.height,
          pixels: '',
        });
      }
      // The most confident mistakes first: they are the most informative to look at.
      wrong.sort((a, b) => b.confidence - a.confidence);
      const items = wrong.slice(offset, offset + limit).map((w) => ({ ...w, pixels: facePixels(dataset, w.index) }));
      return { runId, split: split as SplitName, classNames: ev.report.classNames, total: wrong.length, items };
    }),

    'compare:get': guard(({ runIds }) => {
      const records = runIds.map(requireRun);
      const details = records.map((r) => runDetail(store, r, statusOf(r.id), 500));
      const { pairs, notes } = mcnemarPairs(store, records.map((r) => r.id));
      return { runs: details, params: paramDiff(details.map((d) => d.config)), mcnemar: pairs, mcnemarNotes: notes };
    }),
    'compare:export': guard(({ runIds, format }) => {
      const records = runIds.map(requireRun);
      const details = records.map((r) => runDetail(store, r, statusOf(r.id), 0));
      const { pairs } = mcnemarPairs(store, records.map((r) => r.id));
      const stem = `fer-lab-compare-${records.map((r) => r.id).join('-')}`;
      if (format === 'csv') {
        return { filename: `${stem}.csv`, mime: 'text/csv', content: comparisonCsv(details, paramDiff(details.map((d) => d.config)), pairs) };
      }
      return { filename: `${stem}.tex`, mime: 'application/x-tex', content: comparisonLatex(details, pairs) };
    }),
    ...experiments.handlers,
  };

  return {
    handlers,
    events,
    store,
    runs,
    close: async () => {
      for (const off of offs) off();
      await experiments.close(() => runs.shutdown());
      store.close();
    },
  };
}
