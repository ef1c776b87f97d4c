/**
 * The queue, experiments, portable-run and system methods of the API contract, implemented over the
 * run store, the queue and the backend's RunService. createBackend spreads these into its handlers,
 * so Electron and the browser-mode server serve them the same way.
 */
import { ApiError, type ApiHandlers } from '../api/contract.ts';
import type { RunService } from '../engine/run-service.ts';
import { exportRunBundle, importRunBundle } from '../portable/run-bundle.ts';
import { systemReport } from '../portable/system-report.ts';
import type { RunStore } from '../store/run-store.ts';
import type { PaperResultsView, QueueItemView, QueueState } from './api-types.ts';
import { queuePaperExperiment, queueSweep } from './index.ts';
import { PAPER_SETTINGS, type StandIn } from './paper.ts';
import { paperResults } from './paper-results.ts';
import { QueueBusyError, QueueRunner } from './queue-runner.ts';
import { QueueStore, type QueueItem } from './queue-store.ts';
import { rankSweep } from './sweep.ts';
import { validateRunConfig } from './validate-config.ts';

export type ExperimentMethod =
  | 'queue:list'
  | 'queue:add'
  | 'queue:remove'
  | 'queue:move'
  | 'queue:retry'
  | 'queue:start'
  | 'queue:stop'
  | 'experiments:list'
  | 'experiments:paper'
  | 'experiments:paperResults'
  | 'experiments:sweep'
  | 'experiments:sweepRank'
  | 'runs:export'
  | 'runs:import'
  | 'system:info';

/** The small stand-in the UI's "stand-in" switch queues: seconds per run on a CPU. */
export const UI_STAND_IN: StandIn = { inputSize: 16, widthMultiplier: 1 / 16, maxPerSplit: 64, epochs: 1, batchSize: 16, seqLength: 2 };

export interface ExperimentDeps {
  store: RunStore;
  runs: RunService;
  /** Dataset id (the Datasets view's) -> the folder or CSV runs train on. */
  datasetPath: (datasetId: string) => string;
}

export interface ExperimentBackend {
  handlers: Pick<ApiHandlers, ExperimentMethod>;
  /**
   * Closes the queue around the RunService's shutdown: nothing new starts, `shutdownRuns` kills
   * the workers (a running item stays 'running' and resumes at the next start), then the queue closes.
   */
  close(shutdownRuns: () => Promise<void>): Promise<void>;
}

const idOf = (text: string, what: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ApiError(`${what}: "${text}" is not an id`, 'invalid-input');
  return n;
};

function translate(err: unknown): never {
  if (err instanceof ApiError) throw err;
  if (err instanceof QueueBusyError) throw new ApiError(err.message, 'conflict');
  const e = err as Error;
  if (/^no (queue item|run|paper experiment|sweep) with id/.test(e?.message ?? '')) throw new ApiError(e.message, 'not-found');
  throw new ApiError(e?.message ?? String(err), ['StoreError', 'ConfigError', 'BundleError', 'DatasetError', 'ModelConfigError'].includes(e?.name) ? 'invalid-input' : 'internal');
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

function itemView(item: QueueItem, position: number | null, executing = true): QueueItemView {
  const model = (item.config as { model?: unknown } | null)?.model;
  return {
    id: String(item.id),
    position,
    label: item.label,
    model: typeof model === 'string' ? model : '?',
    status: item.status === 'running' && !executing ? 'interrupted' : item.status,
    runId: item.runId === null ? null : String(item.runId),
    experimentId: item.experimentId === null ? null : String(item.experimentId),
    params: item.params,
    error: item.error,
    createdAt: item.createdAt,
    finishedAt: item.finishedAt,
  };
}

/** `executing`: whether some live process runs the queue (else a 'running' item was interrupted). */
function itemViews(items: QueueItem[], executing: boolean): QueueItemView[] {
  let pos = 0;
  return items.map((i) => itemView(i, i.status === 'pending' ? ++pos : null, executing));
}

export function createExperimentBackend(deps: ExperimentDeps): ExperimentBackend {
  const queue = QueueStore.open(deps.store);
  const runner = new QueueRunner(queue, deps.store, deps.runs);

  const state = (): QueueState => {
    const holder = queue.runnerPid();
    return {
      items: itemViews(queue.list(), runner.running || holder !== null),
      running: runner.running,
      heldByPid: holder !== null && holder !== process.pid ? holder : null,
      currentItemId: runner.currentItem ? String(runner.currentItem.id) : null,
    };
  };

  const start = (): void => {
    if (runner.running) return;
    // Failures surface as item errors and run logs; the returned state tells the UI it is running.
    void runner.run().catch(() => undefined);
  };

  const handlers: Pick<ApiHandlers, ExperimentMethod> = {
    'queue:list': guard(() => state()),
    'queue:add': guard(({ datasetId, label, config }) => {
      const data = { ...((config.data as Record<string, unknown> | undefined) ?? {}), path: deps.datasetPath(datasetId) };
      const valid = validateRunConfig({ ...config, data, ...(label ? { name: label } : {}) }, 'run config');
      queue.add([{ label: valid.name ?? valid.model, config: valid }]);
      return state();
    }),
    'queue:remove': guard(({ itemId }) => (queue.remove(idOf(itemId, 'itemId')), state())),
    'queue:move': guard(({ itemId, index }) => (queue.move(idOf(itemId, 'itemId'), index), state())),
    'queue:retry': guard(({ itemId }) => (queue.retry(idOf(itemId, 'itemId')), state())),
    'queue:start': guard(() => {
      const holder = queue.runnerPid();
      if (holder !== null && holder !== process.pid) throw new QueueBusyError(holder);
      start();
      return state();
    }),
    'queue:stop': guard(() => (runner.stop(), state())),

    'experiments:list': guard(() =>
      queue.listExperiments().map((e) => {
        const items = queue.itemsOfExperiment(e.id);
        return { id: String(e.id), kind: e.kind, name: e.name, createdAt: e.createdAt, items: items.length, done: items.filter((i) => i.status === 'done').length };
      }),
    ),
    'experiments:paper': guard(({ datasetId, epochs, includeBaseline, standIn, start: startNow }) => {
      const { experimentId, items } = queuePaperExperiment(queue, {
        dataPath: deps.datasetPath(datasetId),
        includeBaseline,
        ...(epochs !== undefined ? { epochs } : {}),
        ...(standIn ? { standIn: UI_STAND_IN } : {}),
      });
      if (startNow) start();
      return { experimentId: String(experimentId), items: items.map((i) => itemView(i, null)) };
    }),
    'experiments:paperResults': guard(({ experimentId }): PaperResultsView => {
      const r = paperResults(queue, deps.store, experimentId === undefined ? undefined : idOf(experimentId, 'experimentId'));
      return {
        experimentId: r.experimentId === null ? null : String(r.experimentId),
        createdAt: r.createdAt,
        standIn: r.standIn,
        settings: { batchSize: PAPER_SETTINGS.batchSize, optimizer: PAPER_SETTINGS.optimizer.type, learningRate: PAPER_SETTINGS.optimizer.learningRate, epochs: PAPER_SETTINGS.epochs, batchNorm: PAPER_SETTINGS.batchNorm },
        rows: r.rows.map((row) => ({ ...row, runId: row.runId === null ? null : String(row.runId) })),
      };
    }),
    'experiments:sweep': guard(({ datasetId, spec }) => {
      const base = { ...((spec.base as Record<string, unknown> | undefined) ?? {}) };
      base.data = { ...((base.data as Record<string, unknown> | undefined) ?? {}), path: deps.datasetPath(datasetId) };
      const { experimentId, items } = queueSweep(queue, { ...spec, base } as Parameters<typeof queueSweep>[1]);
      return { experimentId: String(experimentId), items: items.map((i) => itemView(i, null)) };
    }),
    'experiments:sweepRank': guard(({ experimentId }) => {
      const r = rankSweep(queue, deps.store, idOf(experimentId, 'experimentId'));
      return { name: r.name, metric: r.metric, rows: r.rows.map((row) => ({ rank: row.rank, itemId: String(row.itemId), label: row.label, params: row.params, status: row.status, runId: row.runId === null ? null : String(row.runId), value: row.value })) };
    }),

    'runs:export': guard(async ({ runId, path, includeLast }) => {
      const id = idOf(runId, 'runId');
      if (deps.runs.isActive(id)) throw new ApiError(`run ${runId} is still running; stop it before exporting`, 'conflict');
      const r = await exportRunBundle(deps.store, id, path, { includeLast });
      return { file: r.file, files: r.manifest.files.length, runUid: r.runUid };
    }),
    'runs:import': guard(async ({ path }) => {
      const r = await importRunBundle(deps.store, path);
      return { runId: String(r.runId), sourceRunId: String(r.sourceRunId) };
    }),

    'system:info': guard(() => systemReport(deps.store)),
  };

  return {
    handlers,
    close: async (shutdownRuns) => {
      runner.halt();
      await shutdownRuns();
      await runner.settled();
      queue.close();
    },
  };
}
