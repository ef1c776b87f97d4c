/**
 * JSON data of the queue, experiments, portable-run and system methods of the API contract
 * (src-main/api/contract.ts). Shared with the renderer: types only, no Node or domain imports.
 */

/** 'interrupted': left running by a process that ended; it resumes when the queue starts again. */
export type QueueItemStatus = 'pending' | 'running' | 'interrupted' | 'done' | 'failed' | 'stopped';

export interface QueueItemView {
  id: string;
  /** 1-based place among waiting items; null for running or finished ones. */
  position: number | null;
  label: string;
  model: string;
  status: QueueItemStatus;
  runId: string | null;
  experimentId: string | null;
  params: Record<string, unknown>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface QueueState {
  items: QueueItemView[];
  /** Whether this backend is executing the queue now. */
  running: boolean;
  /** Another process (e.g. `fer-lab queue run`) holds the queue. */
  heldByPid: number | null;
  currentItemId: string | null;
}

export interface ExperimentView {
  id: string;
  kind: 'paper' | 'sweep';
  name: string;
  createdAt: string;
  items: number;
  done: number;
}

export interface QueuedExperimentView {
  experimentId: string;
  items: QueueItemView[];
}

export interface PaperResultRowView {
  key: string;
  label: string;
  model: string;
  kind: 'paper' | 'baseline';
  reference: number | null;
  reproduced: number | null;
  delta: number | null;
  runId: string | null;
  status: string;
  error: string | null;
}

export interface PaperResultsView {
  experimentId: string | null;
  createdAt: string | null;
  standIn: boolean;
  /** The paper's stated settings, shown above the table. */
  settings: { batchSize: number; optimizer: string; learningRate: number; epochs: number; batchNorm: string };
  rows: PaperResultRowView[];
}

export interface SweepRankView {
  name: string;
  metric: string;
  rows: { rank: number | null; itemId: string; label: string; params: Record<string, unknown>; status: string; runId: string | null; value: number | null }[];
}

export interface RunBundleExport {
  file: string;
  files: number;
  runUid: string;
}

export interface RunBundleImport {
  runId: string;
  sourceRunId: string;
}

export interface SystemCheck {
  label: string;
  ok: boolean;
  detail: string;
}

export interface SystemInfo {
  platform: string;
  arch: string;
  cpu: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  electron: string | null;
  appVersion: string;
  tfjs: string;
  home: string;
  /** The backend the newest run used (what was actually detected), or null before any run. */
  lastBackend: { runId: string; name: string; gpu: boolean; device: string | null; attempts: { name: string; ok: boolean; error?: string }[]; warnings: string[] } | null;
  gpus: { name: string; driver: string | null; memoryMiB: number | null }[];
  gpuProbe: string;
  /** Installed state of the optional native backends. */
  packages: { name: string; installed: boolean; version: string | null; detail: string }[];
  /** What tfjs-node-gpu 4.22 needs on this platform. */
  expectations: string[];
  checks: SystemCheck[];
  /** Whether training will run on a GPU, as far as can be told without starting a worker. */
  gpuExpected: boolean;
  /** Exact steps to get off the CPU fallback (empty when a GPU backend is in use). */
  fixSteps: string[];
}
