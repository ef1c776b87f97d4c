import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunService } from '../../../src-main/engine/run-service.ts';
import { createExperimentBackend } from '../../../src-main/experiments/api-handlers.ts';
import { parseArgs } from '../../../src-main/api/schemas.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';
import { tempHome } from '../store/helpers.ts';
import { FakeExecutor } from './fake-executor.ts';

let home: string;
let cleanup: () => void;
let store: RunStore;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
  store = RunStore.open(home, { isAlive: () => false });
});
afterEach(() => {
  store.close();
  cleanup();
});

function backend(exec = new FakeExecutor(store)) {
  const datasetPath = (id: string): string => {
    if (id !== 'ds1') throw Object.assign(new Error(`no dataset with id ${id}`), { name: 'DatasetError' });
    return '/data/fer2013';
  };
  return { exec, b: createExperimentBackend({ store, runs: exec as unknown as RunService, datasetPath }) };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('queue and experiments API', () => {
  it('queues the paper experiment for a dataset, lists, reorders and runs it, and reports results', async () => {
    const { b } = backend();
    const h = b.handlers;
    const queued = await h['experiments:paper'](parseArgs('experiments:paper', { datasetId: 'ds1', standIn: true }));
    expect(queued.items.map((i) => i.model)).toEqual(['alexnet', 'vgg16', 'vgg19', 'resnet152', 'dcnnbea', 'dcnnbea', 'vgg-fer']);
    let state = await h['queue:list'](undefined);
    expect(state.items.map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    state = await h['queue:move'](parseArgs('queue:move', { itemId: '7', index: 0 }));
    expect(state.items[0]).toMatchObject({ id: '7', position: 1, model: 'vgg-fer' });
    await expect(h['queue:add'](parseArgs('queue:add', { datasetId: 'nope', config: { model: 'alexnet' } }))).rejects.toMatchObject({ code: 'invalid-input', message: 'no dataset with id nope' });
    await expect(h['queue:add'](parseArgs('queue:add', { datasetId: 'ds1', config: { model: 'alexnet', training: { batchSize: 0 } } }))).rejects.toMatchObject({ code: 'invalid-input' });
    state = await h['queue:add'](parseArgs('queue:add', { datasetId: 'ds1', label: 'extra', config: { model: 'alexnet' } }));
    expect(state.items.at(-1)).toMatchObject({ label: 'extra', position: 8 });

    state = await h['queue:start'](undefined);
    expect(state.running).toBe(true);
    await until(() => store.listRuns().length === 8 && store.listRuns().every((r) => r.status === 'completed' && r.testAcc !== null));
    await until(() => !(b.handlers['queue:list'] && store.listRuns().some((r) => r.status === 'running')));
    const results = await h['experiments:paperResults'](parseArgs('experiments:paperResults', {}));
    expect(results.settings).toMatchObject({ batchSize: 256, optimizer: 'adadelta', learningRate: 1 });
    expect(results.standIn).toBe(true);
    expect(results.rows.map((r) => [r.label, r.reference, r.reproduced])).toEqual([
      ['AlexNet', 0.152, 0.5], ['VGG16', 0.374, 0.5], ['VGG19', 0.397, 0.5], ['ResNet-152', 0.487, 0.5],
      ['DCNNBEA', 0.498, 0.5], ['DCNNBEA + TAFMN', 0.684, 0.5], ['vgg-fer (strong baseline)', 0.7328, 0.5],
    ]);
    await b.close(async () => undefined);
  });

  it('validates arguments at the boundary and maps missing items to not-found', async () => {
    const { b } = backend();
    expect(() => parseArgs('queue:move', { itemId: '1', index: -1 })).toThrow(/queue:move: index/);
    expect(() => parseArgs('experiments:paper', { datasetId: '' })).toThrow(/datasetId/);
    expect(() => parseArgs('runs:import', {})).toThrow(/runs:import: path/);
    await expect(b.handlers['queue:remove'](parseArgs('queue:remove', { itemId: '42' }))).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/no queue item with id 42/) });
    await expect(b.handlers['runs:import'](parseArgs('runs:import', { path: join(home, 'missing.ferrun') }))).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/cannot read run bundle/) });
    // An item left 'running' by a process that died shows as interrupted until the queue runs again.
    const state = await b.handlers['queue:add'](parseArgs('queue:add', { datasetId: 'ds1', config: { model: 'alexnet' } }));
    const item = Number(state.items[0]!.id);
    const { QueueStore } = await import('../../../src-main/experiments/queue-store.ts');
    const q = QueueStore.open(store);
    q.markRunning(item, null);
    expect((await b.handlers['queue:list'](undefined)).items[0]).toMatchObject({ status: 'interrupted', position: null });
    q.close();
    const info = await b.handlers['system:info'](undefined);
    expect(info.home).toBe(home);
    expect(info.expectations.join(' ')).toMatch(/CUDA 11\.2/);
    await b.close(async () => undefined);
  });
});
