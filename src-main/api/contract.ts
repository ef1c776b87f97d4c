/**
 * The one API contract between the workbench UI and its backend. Electron main (IPC), the preload
 * bridge, the browser-mode server (HTTP + WebSocket) and the renderer all type against these maps,
 * so a method renamed here breaks every side at compile time.
 *
 * This file is shared with the renderer's typecheck: it must stay free of Node, Electron and domain
 * imports. Inputs are validated at runtime by the zod schemas in schemas.ts.
 */
import type {
  AppInfo,
  BatchEvent,
  CompareExport,
  Comparison,
  DatasetDetail,
  DatasetProgressEvent,
  DatasetSamples,
  DatasetSummary,
  EpochEvent,
  LogEvent,
  MisclassifiedPage,
  ModelInfo,
  RunDetail,
  RunStatusEvent,
  RunSummary,
  TrainingSetup,
} from './types.ts';
import type {
  ParsedArgs,
  CompareArgs,
  CompareExportArgs,
  DatasetIdArgs,
  DatasetImportArgs,
  DatasetSamplesArgs,
  MisclassifiedArgs,
  RunEvaluateArgs,
  RunIdArgs,
  RunUpdateArgs,
  TrainingStartArgs,
} from './schemas.ts';
import type {
  ExperimentView,
  PaperResultsView,
  QueuedExperimentView,
  QueueState,
  RunBundleExport,
  RunBundleImport,
  SweepRankView,
  SystemInfo,
} from '../experiments/api-types.ts';
import type {
  PaperQueueArgs,
  PaperResultsArgs,
  QueueAddArgs,
  QueueItemArgs,
  QueueMoveArgs,
  RunExportArgs,
  RunImportArgs,
  SweepQueueArgs,
  SweepRankArgs,
} from '../experiments/api-schemas.ts';

export type * from './types.ts';
export type * from '../experiments/api-types.ts';

/** Request methods: `domain:verb` -> argument object (or void) and result. */
export interface ApiMethods {
  'app:info': { args: void; result: AppInfo };
  /** Native folder/file picker; `null` when cancelled or unavailable (browser mode uses a path field). */
  'app:pickPath': { args: { kind: 'folder' | 'file' }; result: string | null };
  /** Opens an http(s) link in the system browser (desktop) or reports that the page should. */
  'app:openExternal': { args: { url: string }; result: boolean };

  'datasets:list': { args: void; result: DatasetSummary[] };
  'datasets:import': { args: DatasetImportArgs; result: DatasetDetail };
  'datasets:get': { args: DatasetIdArgs; result: DatasetDetail };
  'datasets:samples': { args: DatasetSamplesArgs; result: DatasetSamples };
  'datasets:remove': { args: DatasetIdArgs; result: boolean };

  'models:list': { args: void; result: ModelInfo[] };

  /** Everything the Train form needs: the config's JSON Schema, defaults and presets. */
  'training:setup': { args: void; result: TrainingSetup };
  'training:start': { args: TrainingStartArgs; result: RunSummary };
  'training:stop': { args: RunIdArgs; result: boolean };
  'training:pause': { args: RunIdArgs; result: boolean };
  'training:resume': { args: RunIdArgs; result: boolean };
  /** Ids of runs whose worker is alive in this backend. */
  'training:active': { args: void; result: string[] };

  'runs:list': { args: void; result: RunSummary[] };
  'runs:get': { args: RunIdArgs; result: RunDetail };
  'runs:update': { args: RunUpdateArgs; result: RunSummary };
  'runs:delete': { args: RunIdArgs; result: boolean };
  'runs:evaluate': { args: RunEvaluateArgs; result: RunDetail };
  /** Continues an interrupted or stopped run from its last checkpoint. */
  'runs:resume': { args: RunIdArgs; result: RunSummary };
  'runs:misclassified': { args: MisclassifiedArgs; result: MisclassifiedPage };
  /** A run's trained model as exported files (model.json, base64 weights, fer-lab-model.json), for the webcam demo. */
  'runs:model': { args: RunIdArgs; result: { modelJson: string; weightsBase64: string; metaJson: string } };

  'compare:get': { args: CompareArgs; result: Comparison };
  'compare:export': { args: CompareExportArgs; result: CompareExport };

  /** The experiment queue (persisted; executed one run after another). */
  'queue:list': { args: void; result: QueueState };
  'queue:add': { args: QueueAddArgs; result: QueueState };
  'queue:remove': { args: QueueItemArgs; result: QueueState };
  'queue:move': { args: QueueMoveArgs; result: QueueState };
  'queue:retry': { args: QueueItemArgs; result: QueueState };
  'queue:start': { args: void; result: QueueState };
  'queue:stop': { args: void; result: QueueState };

  'experiments:list': { args: void; result: ExperimentView[] };
  /** Queues "Reproduce the paper" (six configurations, optionally the baseline). */
  'experiments:paper': { args: PaperQueueArgs; result: QueuedExperimentView };
  'experiments:paperResults': { args: PaperResultsArgs; result: PaperResultsView };
  'experiments:sweep': { args: SweepQueueArgs; result: QueuedExperimentView };
  'experiments:sweepRank': { args: SweepRankArgs; result: SweepRankView };

  /** Portable runs: a bundle file on the backend's machine. */
  'runs:export': { args: RunExportArgs; result: RunBundleExport };
  'runs:import': { args: RunImportArgs; result: RunBundleImport };

  'system:info': { args: void; result: SystemInfo };
}

/** Events pushed from the backend: `domain:verb` -> payload. */
export interface ApiEvents {
  'datasets:progress': DatasetProgressEvent;
  'training:batch': BatchEvent;
  'training:epoch': EpochEvent;
  'training:status': RunStatusEvent;
  'training:log': LogEvent;
}

export type MethodName = keyof ApiMethods;
export type EventName = keyof ApiEvents;
export type MethodArgs<K extends MethodName> = ApiMethods[K]['args'];
export type MethodResult<K extends MethodName> = ApiMethods[K]['result'];
export type EventPayload<K extends EventName> = ApiEvents[K];
/** Call arguments as a tuple, so void methods take none. */
export type ArgsTuple<K extends MethodName> = MethodArgs<K> extends void ? [] : [args: MethodArgs<K>];

/** Runtime lists of every name; `satisfies` keeps them in step with the maps above. */
export const METHOD_NAMES = [
  'app:info',
  'app:pickPath',
  'app:openExternal',
  'datasets:list',
  'datasets:import',
  'datasets:get',
  'datasets:samples',
  'datasets:remove',
  'models:list',
  'training:setup',
  'training:start',
  'training:stop',
  'training:pause',
  'training:resume',
  'training:active',
  'runs:list',
  'runs:get',
  'runs:update',
  'runs:delete',
  'runs:evaluate',
  'runs:resume',
  'runs:misclassified',
  'runs:model',
  'compare:get',
  'compare:export',
  'queue:list',
  'queue:add',
  'queue:remove',
  'queue:move',
  'queue:retry',
  'queue:start',
  'queue:stop',
  'experiments:list',
  'experiments:paper',
  'experiments:paperResults',
  'experiments:sweep',
  'experiments:sweepRank',
  'runs:export',
  'runs:import',
  'system:info',
] as const satisfies readonly MethodName[];

export const EVENT_NAMES = [
  'datasets:progress',
  'training:batch',
  'training:epoch',
  'training:status',
  'training:log',
] as const satisfies readonly EventName[];

// Compile-time proof that the lists are complete (an omitted name makes these `false`).
type Missing<All, Listed> = Exclude<All, Listed>;
const _methodsComplete: [Missing<MethodName, (typeof METHOD_NAMES)[number]>] extends [never] ? true : false = true;
const _eventsComplete: [Missing<EventName, (typeof EVENT_NAMES)[number]>] extends [never] ? true : false = true;
void _methodsComplete;
void _eventsComplete;

/** Server-side implementation of every method; both IPC and the WebSocket server register this. */
export type ApiHandlers = {
  [K in MethodName]: (args: ParsedArgs<K>) => Promise<MethodResult<K>> | MethodResult<K>;
};

/** The lowest common transport: invoke a method, subscribe to an event. */
export interface ApiTransport {
  invoke<K extends MethodName>(method: K, ...args: ArgsTuple<K>): Promise<MethodResult<K>>;
  subscribe<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
}

type DomainOf<K extends string> = K extends `${infer D}:${string}` ? D : never;
export type Domain = DomainOf<MethodName> | DomainOf<EventName>;
type OnName<V extends string> = `on${Capitalize<V>}`;

/**
 * The grouped surface the UI uses: `api.runs.list()`, `api.training.onBatch(cb)` (returns an
 * unsubscribe function). The preload exposes exactly this shape.
 */
export type GroupedApi = {
  [D in Domain]: {
    [K in MethodName as K extends `${D}:${infer V}` ? V : never]: (...args: ArgsTuple<K>) => Promise<MethodResult<K>>;
  } & {
    [K in EventName as K extends `${D}:${infer V}` ? OnName<V> : never]: (
      listener: (payload: EventPayload<K>) => void,
    ) => () => void;
  };
};

export function splitName(name: string): { domain: string; verb: string } {
  const i = name.indexOf(':');
  return { domain: name.slice(0, i), verb: name.slice(i + 1) };
}

export function onName(verb: string): string {
  return `on${verb.charAt(0).toUpperCase()}${verb.slice(1)}`;
}

/** Builds the grouped API over any transport (the WebSocket client and tests use this). */
export function groupApi(transport: ApiTransport): GroupedApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const name of METHOD_NAMES) {
    const { domain, verb } = splitName(name);
    (api[domain] ??= {})[verb] = (args?: unknown) =>
      (transport.invoke as (m: string, a?: unknown) => Promise<unknown>)(name, args);
  }
  for (const name of EVENT_NAMES) {
    const { domain, verb } = splitName(name);
    (api[domain] ??= {})[onName(verb)] = (listener: (p: unknown) => void) =>
      (transport.subscribe as (e: string, l: (p: unknown) => void) => () => void)(name, listener);
  }
  return api as unknown as GroupedApi;
}

/** Error shape carried across IPC and WebSocket so the UI can say what went wrong and where. */
export interface ApiErrorPayload {
  message: string;
  /** `invalid-input` names the offending field in `message`; `not-found`; `internal`. */
  code: 'invalid-input' | 'not-found' | 'conflict' | 'unavailable' | 'internal';
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: ApiErrorPayload['code'] = 'internal',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
