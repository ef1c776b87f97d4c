/**
 * The queue with the real engine: a queued run is killed mid-way (as when the app or the machine
 * goes down), the store is closed and reopened, and the next `run()` resumes it from its checkpoint
 * in a fresh worker and finishes the queue. Tiny model and data: seconds on the CPU backend.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunService } from '../../../src-main/engine/run-service.ts';
import { QueueRunner } from '../../../src-main/experiments/queue-runner.ts';
import { QueueStore } from '../../../src-main/experiments/queue-store.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';
import { ferCsvRows, makeFer2013Csv, tempDir } from '../../helpers/dataset-fixtures.ts';
import { tempHome } from '../store/helpers.ts';

let home: string;
let cleanup: () => void;
let csv: string;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
  csv = join(tempDir('fer-queue-data-'), 'fer2013.csv');
  makeFer2013Csv(csv, ferCsvRows(2));
});
afterEach(() => cleanup());

const config = (name: string) => ({
  name,
  model: 'alexnet',
  backend: 'cpu',
  seed: 3,
  modelConfig: { inputSize: 16, widthMultiplier: 1 / 16, dropout: 0 },
  data: { path: csv, augmentation: { enabled: false } },
  training: { epochs: 3, batchSize: 8 },
});

describe('queue with the real engine', () => {
  it('resumes an item killed mid-run after the store is closed and reopened', async () => {
    let store = RunStore.open(home);
    let queue = QueueStore.open(store);
    queue.add([{ label: 'killed', config: config('killed') }, { label: 'after', config: config('after') }]);
    let runs = new RunService({ store });
    const runner = new QueueRunner(queue, store, runs);
    // Kill the worker (SIGKILL) once epoch 1 is recorded (its checkpoint is written before that).
    const off = runs.on('epoch', (e) => {
      if (e.runId === 1 && e.epoch === 1) void runs.shutdown();
    });
    const first = await runner.run();
    off();
    expect(first.reason).toBe('interrupted');
    expect(queue.require(1)).toMatchObject({ status: 'running', runId: 1 });
    expect(store.requireRun(1).status).toBe('interrupted');
    queue.close();
    store.close();

    store = RunStore.open(home);
    queue = QueueStore.open(store);
    runs = new RunService({ store });
    const second = await new QueueRunner(queue, store, runs).run();
    await runs.shutdown();
    expect(second.reason).toBe('empty');
    expect(queue.list().map((i) => [i.label, i.status, i.runId])).toEqual([
      ['killed', 'done', 1],
      ['after', 'done', 2],
    ]);
    const resumed = store.requireRun(1);
    expect(resumed).toMatchObject({ status: 'completed', epochsDone: 3, resumedFromEpoch: 1 });
    expect(resumed.testAcc).not.toBeNull();
    expect(store.getEpochMetrics(1).map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(store.listRuns()).toHaveLength(2);
    queue.close();
    store.close();
  });
});
