/**
 * Live state of one training run, fed by the pushed training events: batch and epoch curves, speed,
 * ETA, status, backend and log. Arrays live in shallowRefs and are replaced at most a few times a
 * second, so a fast worker cannot flood Vue's reactivity or the charts.
 */
import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import type { BackendInfo, BatchEvent, BatchPoint, EpochPoint, GroupedApi, LogEvent, RunStatus } from '@contract/contract.ts';

export interface LiveRun {
  batches: Ref<BatchPoint[]>;
  epochs: Ref<EpochPoint[]>;
  status: Ref<RunStatus | null>;
  message: Ref<string | null>;
  backend: Ref<BackendInfo | null>;
  lastBatch: Ref<BatchEvent | null>;
  epochsPlanned: Ref<number>;
  log: Ref<LogEvent[]>;
  active: Ref<boolean>;
  reset(seed?: { epochs?: EpochPoint[]; batches?: BatchPoint[]; status?: RunStatus; epochsPlanned?: number; backend?: BackendInfo | null }): void;
}

const LOG_LIMIT = 500;
const BATCH_LIMIT = 20_000;

export function useLiveRun(api: Pick<GroupedApi, 'training'>, runId: Ref<string | null>, flushMs = 250): LiveRun {
  const batches = shallowRef<BatchPoint[]>([]);
  const epochs = shallowRef<EpochPoint[]>([]);
  const status = ref<RunStatus | null>(null);
  const message = ref<string | null>(null);
  const backend = shallowRef<BackendInfo | null>(null);
  const lastBatch = shallowRef<BatchEvent | null>(null);
  const epochsPlanned = ref(0);
  const log = shallowRef<LogEvent[]>([]);

  let pendingBatches: BatchPoint[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    if (pendingBatches.length === 0) return;
    const next = batches.value.concat(pendingBatches);
    batches.value = next.length > BATCH_LIMIT ? next.slice(next.length - BATCH_LIMIT) : next;
    pendingBatches = [];
  };
  const schedule = (): void => {
    timer ??= setTimeout(flush, flushMs);
  };

  const offs = [
    api.training.onBatch((e) => {
      if (e.runId !== runId.value) return;
      lastBatch.value = e;
      pendingBatches.push({ x: e.epoch - 1 + e.batch / Math.max(1, e.batchesPerEpoch), loss: e.loss, acc: e.acc });
      if (status.value !== 'paused') status.value = 'running';
      schedule();
    }),
    api.training.onEpoch((e) => {
      if (e.runId !== runId.value) return;
      flush();
      const { runId: _r, epochsPlanned: planned, ...point } = e;
      epochs.value = [...epochs.value.filter((p) => p.epoch !== point.epoch), point].sort((a, b) => a.epoch - b.epoch);
      epochsPlanned.value = planned;
    }),
    api.training.onStatus((e) => {
      if (e.runId !== runId.value) return;
      flush();
      status.value = e.status;
      message.value = e.message ?? null;
      if (e.backend) backend.value = e.backend;
    }),
    api.training.onLog((e) => {
      if (e.runId !== runId.value) return;
      const next = log.value.concat(e);
      log.value = next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
    }),
  ];
  onScopeDispose(() => {
    for (const off of offs) off();
    if (timer) clearTimeout(timer);
  });

  const reset: LiveRun['reset'] = (seed = {}) => {
    pendingBatches = [];
    batches.value = seed.batches ?? [];
    epochs.value = seed.epochs ?? [];
    status.value = seed.status ?? null;
    message.value = null;
    backend.value = seed.backend ?? null;
    lastBatch.value = null;
    epochsPlanned.value = seed.epochsPlanned ?? 0;
    log.value = [];
  };
  watch(runId, () => reset());

  const active = computed(() => status.value === 'running' || status.value === 'paused' || status.value === 'queued');

  return { batches, epochs, status, message, backend, lastBatch, epochsPlanned, log, active, reset };
}
