// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import type { GroupedApi, RunSummary } from '../../../src-main/api/contract.ts';
import { useLiveRun } from '../../../src-renderer/src/composables/use-live-run.ts';
import { useRunsTable } from '../../../src-renderer/src/composables/use-runs-table.ts';
import { useAsync } from '../../../src-renderer/src/composables/use-async.ts';

function fakeTraining() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const on = (name: string) => (l: (p: unknown) => void) => {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(l);
    return () => set.delete(l);
  };
  const api = { training: { onBatch: on('batch'), onEpoch: on('epoch'), onStatus: on('status'), onLog: on('log') } } as unknown as Pick<GroupedApi, 'training'>;
  const emit = (name: string, p: unknown) => listeners.get(name)?.forEach((l) => l(p));
  return { api, emit, count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

describe('useLiveRun', () => {
  it('collects this run\'s events, batches flushed in bursts, and unsubscribes on dispose', async () => {
    vi.useFakeTimers();
    const f = fakeTraining();
    const runId = ref<string | null>('1');
    const scope = effectScope();
    const live = scope.run(() => useLiveRun(f.api, runId, 100))!;
    expect(f.count()).toBe(4);
    for (let b = 1; b <= 4; b++) f.emit('batch', { runId: '1', epoch: 1, batch: b, batchesPerEpoch: 4, loss: 2 - b * 0.1, acc: 0.1 * b, imagesPerSec: 50, etaSec: 10 });
    f.emit('batch', { runId: '2', epoch: 1, batch: 1, batchesPerEpoch: 4, loss: 9, acc: 0, imagesPerSec: 1, etaSec: 1 });
    expect(live.batches.value).toHaveLength(0);
    expect(live.status.value).toBe('running');
    vi.advanceTimersByTime(120);
    expect(live.batches.value.map((p) => p.x)).toEqual([0.25, 0.5, 0.75, 1]);
    f.emit('epoch', { runId: '1', epoch: 1, epochsPlanned: 3, trainLoss: 1.5, trainAcc: 0.3, valLoss: 1.6, valAcc: 0.25, lr: 0.001, seconds: 2 });
    f.emit('status', { runId: '1', status: 'paused' });
    f.emit('log', { runId: '1', level: 'info', message: 'hello', time: '2026-01-01T00:00:00Z' });
    expect(live.epochs.value).toHaveLength(1);
    expect(live.epochsPlanned.value).toBe(3);
    expect(live.status.value).toBe('paused');
    expect(live.active.value).toBe(true);
    expect(live.log.value.map((l) => l.message)).toEqual(['hello']);
    f.emit('status', { runId: '1', status: 'completed', backend: { name: 'cpu', gpu: false } });
    expect(live.active.value).toBe(false);
    expect(live.backend.value?.name).toBe('cpu');
    runId.value = '2';
    await nextTick();
    expect(live.batches.value).toHaveLength(0);
    scope.stop();
    expect(f.count()).toBe(0);
    vi.useRealTimers();
  });
});

const run = (over: Partial<RunSummary>): RunSummary => ({
  id: '1',
  name: 'r',
  model: 'vgg-fer',
  activation: 'relu',
  head: 'softmax',
  status: 'completed',
  datasetName: 'd',
  epochsDone: 1,
  epochsPlanned: 1,
  bestValAcc: null,
  testAcc: null,
  createdAt: '2026-01-01T00:00:00Z',
  tags: [],
  notes: '',
  backend: null,
  ...over,
});

describe('useRunsTable', () => {
  it('sorts (missing values last) and filters by text, tag and status', () => {
    const runs = ref<RunSummary[] | null>([
      run({ id: '1', name: 'alpha', bestValAcc: 0.5, createdAt: '2026-01-01T00:00:00Z', tags: ['paper'] }),
      run({ id: '2', name: 'beta', bestValAcc: null, createdAt: '2026-01-03T00:00:00Z', status: 'stopped' }),
      run({ id: '3', name: 'gamma', bestValAcc: 0.7, createdAt: '2026-01-02T00:00:00Z', activation: 'tafmn' }),
    ]);
    const t = useRunsTable(runs);
    expect(t.rows.value.map((r) => r.id)).toEqual(['2', '3', '1']);
    t.sortBy('bestValAcc');
    expect(t.rows.value.map((r) => r.id)).toEqual(['3', '1', '2']);
    t.sortBy('bestValAcc');
    expect(t.rows.value.map((r) => r.id)).toEqual(['1', '3', '2']);
    t.sortBy('name');
    expect(t.rows.value.map((r) => r.name)).toEqual(['alpha', 'beta', 'gamma']);
    t.filter.value = 'PAPER';
    expect(t.rows.value.map((r) => r.id)).toEqual(['1']);
    t.filter.value = 'tafmn';
    expect(t.rows.value.map((r) => r.id)).toEqual(['3']);
    t.filter.value = '';
    t.statusFilter.value = 'stopped';
    expect(t.rows.value.map((r) => r.id)).toEqual(['2']);
  });
});

describe('useAsync', () => {
  it('keeps only the latest answer and reports errors', async () => {
    let resolveFirst: (v: string) => void = () => undefined;
    const calls = [new Promise<string>((r) => (resolveFirst = r)), Promise.resolve('second')];
    const a = useAsync(() => calls.shift()!);
    const first = a.run();
    await a.run();
    resolveFirst('first');
    await first;
    expect(a.data.value).toBe('second');
    const b = useAsync(() => Promise.reject(new Error('nope')));
    await b.run();
    expect(b.error.value).toBe('nope');
    expect(b.loading.value).toBe(false);
  });
});
