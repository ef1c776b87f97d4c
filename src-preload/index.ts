/**
 * The sandboxed preload: exposes exactly the API contract to the renderer as `window.api`, grouped
 * by domain, and nothing else (no ipcRenderer, no Node). Every call goes through one invoke channel
 * per method and every `on...` returns its unsubscribe function.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ArgsTuple, EventName, EventPayload, GroupedApi, MethodName, MethodResult } from '../src-main/api/contract.ts';
import { EVENT_CHANNEL, IPC_ERROR_PREFIX } from '../src-main/api/ipc-channels.ts';

async function invoke<K extends MethodName>(method: K, ...args: ArgsTuple<K>): Promise<MethodResult<K>> {
  try {
    return (await ipcRenderer.invoke(method, args[0])) as MethodResult<K>;
  } catch (err) {
    // Electron prefixes handler errors with "Error invoking remote method ...": keep only ours.
    const msg = (err as Error).message ?? String(err);
    const i = msg.indexOf(IPC_ERROR_PREFIX);
    throw new Error(i >= 0 ? msg.slice(i + IPC_ERROR_PREFIX.length) : msg);
  }
}

function on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void {
  const handler = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
    if (name === event) listener(payload as EventPayload<K>);
  };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => void ipcRenderer.removeListener(EVENT_CHANNEL, handler);
}

const api = {
  app: {
    info: () => invoke('app:info'),
    pickPath: (a) => invoke('app:pickPath', a),
    openExternal: (a) => invoke('app:openExternal', a),
  },
  datasets: {
    list: () => invoke('datasets:list'),
    import: (a) => invoke('datasets:import', a),
    get: (a) => invoke('datasets:get', a),
    samples: (a) => invoke('datasets:samples', a),
    remove: (a) => invoke('datasets:remove', a),
    onProgress: (l) => on('datasets:progress', l),
  },
  models: {
    list: () => invoke('models:list'),
  },
  training: {
    setup: () => invoke('training:setup'),
    start: (a) => invoke('training:start', a),
    stop: (a) => invoke('training:stop', a),
    pause: (a) => invoke('training:pause', a),
    resume: (a) => invoke('training:resume', a),
    active: () => invoke('training:active'),
    onBatch: (l) => on('training:batch', l),
    onEpoch: (l) => on('training:epoch', l),
    onStatus: (l) => on('training:status', l),
    onLog: (l) => on('training:log', l),
  },
  runs: {
    list: () => invoke('runs:list'),
    get: (a) => invoke('runs:get', a),
    update: (a) => invoke('runs:update', a),
    delete: (a) => invoke('runs:delete', a),
    evaluate: (a) => invoke('runs:evaluate', a),
    resume: (a) => invoke('runs:resume', a),
    misclassified: (a) => invoke('runs:misclassified', a),
    model: (a) => invoke('runs:model', a),
    export: (a) => invoke('runs:export', a),
    import: (a) => invoke('runs:import', a),
  },
  compare: {
    get: (a) => invoke('compare:get', a),
    export: (a) => invoke('compare:export', a),
  },
  queue: {
    list: () => invoke('queue:list'),
    add: (a) => invoke('queue:add', a),
    remove: (a) => invoke('queue:remove', a),
    move: (a) => invoke('queue:move', a),
    retry: (a) => invoke('queue:retry', a),
    start: () => invoke('queue:start'),
    stop: () => invoke('queue:stop'),
  },
  experiments: {
    list: () => invoke('experiments:list'),
    paper: (a) => invoke('experiments:paper', a),
    paperResults: (a) => invoke('experiments:paperResults', a),
    sweep: (a) => invoke('experiments:sweep', a),
    sweepRank: (a) => invoke('experiments:sweepRank', a),
  },
  system: {
    info: () => invoke('system:info'),
  },
} satisfies GroupedApi;

contextBridge.exposeInMainWorld('api', api);
