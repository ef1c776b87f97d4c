import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueBusyError, QueueRunner } from '../../../src-main/experiments/queue-runner.ts';
import { QueueStore } from '../../../src-main/experiments/queue-store.ts';
import { SCHEMA_VERSION } from '../../../src-main/store/migrations.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';
import { tempHome } from '../store/helpers.ts';
import { FakeExecutor } from './fake-executor.ts';

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => cleanup());

const cfg = (model: string) => ({ model, seed: 7, data: { path: '/data/fer2013' } });

function open(isAlive: (pid: number) => boolean = () => false): { store: RunStore; queue: QueueStore; close: () => void } {
  const store = RunStore.open(home, { isAlive });
  const queue = QueueStore.open(store);
  return { store, queue, close: () => (queue.close(), store.close()) };
}

describe('experiment queue persistence', () => {
  it('keeps items, order and status across closing and reopening the store', () => {
    const a = open();
    expect(a.store.schemaVersion()).toBe(SCHEMA_VERSION);
    const [x, y, z] = a.queue.add([{ label: 'x', config: cfg('alexnet') }, { label: 'y', config: cfg('vgg16') }, { label: 'z', config: cfg('vgg19') }]);
    a.queue.move(z!.id, 0);
    a.queue.remove(y!.id);
    a.close();

    const b = open();
    const items = b.queue.list();
    expect(items.map((i) => i.label)).toEqual(['z', 'x']);
    expect(items.every((i) => i.status === 'pending')).toBe(true);
    expect(items[1]!.config).toEqual(cfg('alexnet'));
    expect(b.queue.next()?.id).toBe(z!.id);
    expect(() => b.queue.require(y!.id)).toThrow(`no queue item with id ${y!.id}`);
    expect(x!.id).toBeLessThan(z!.id);
    b.close();
  });

  it('reorders pending items to any position and refuses moving a running one', () => {
    const { queue, close } = open();
    const ids = queue.add(['a', 'b', 'c', 'd'].map((l) => ({ label: l, config: cfg('alexnet') }))).map((i) => i.id);
    expect(queue.move(ids[0]!, 2).map((i) => i.label)).toEqual(['b', 'c', 'a', 'd']);
    expect(queue.move(ids[3]!, -5).map((i) => i.label)).toEqual(['d', 'b', 'c', 'a']);
    expect(queue.move(ids[1]!, 99).map((i) => i.label)).toEqual(['d', 'c', 'a', 'b']);
    queue.markRunning(ids[2]!, null);
    expect(() => queue.move(ids[2]!, 0)).toThrow(/running; only pending items can be reordered/);
    expect(() => queue.remove(ids[2]!)).toThrow(/is running; stop the queue/);
    close();
  });

  it('runs items in order through the executor and evaluates each completed run on the test split', async () => {
    const { store, queue, close } = open();
    queue.add([{ label: 'one', config: cfg('alexnet') }, { label: 'two', config: cfg('vgg16') }]);
    const exec = new FakeExecutor(store, ['completed', 'failed']);
    const result = await new QueueRunner(queue, store, exec).run();
    expect(result.reason).toBe('empty');
    expect(exec.calls).toEqual(['start:1:alexnet', 'evaluate:1', 'start:2:vgg16']);
    const [one, two] = [queue.require(1), queue.require(2)];
    expect(one.status).toBe('done');
    expect(one.runId).toBe(1);
    expect(store.latestEvaluation(1, 'test')).not.toBeNull();
    expect(two.status).toBe('failed');
    expect(two.error).toMatch(/out of memory/);
    close();
  });

  it('resumes an item that was interrupted by a restart from its run, then continues the queue', async () => {
    const a = open();
    a.queue.add([{ label: 'first', config: cfg('alexnet') }, { label: 'second', config: cfg('resnet152') }]);
    const exec1 = new FakeExecutor(a.store, ['interrupted']);
    const r1 = await new QueueRunner(a.queue, a.store, exec1).run();
    expect(r1.reason).toBe('interrupted');
    const cut = a.queue.require(1);
    expect(cut.status).toBe('running');
    expect(cut.runId).toBe(1);
    a.close();

    // "Restart": a fresh process opens the same home.
    const b = open();
    expect(b.store.requireRun(1).status).toBe('interrupted');
    const exec2 = new FakeExecutor(b.store);
    const r2 = await new QueueRunner(b.queue, b.store, exec2).run();
    expect(r2.reason).toBe('empty');
    expect(exec2.calls).toEqual(['resume:1', 'evaluate:1', 'start:2:resnet152', 'evaluate:2']);
    expect(b.queue.list().map((i) => [i.label, i.status, i.runId])).toEqual([
      ['first', 'done', 1],
      ['second', 'done', 2],
    ]);
    expect(b.store.listRuns()).toHaveLength(2);
    b.close();
  });

  it('records an item whose run completed just before the process died without running it again', async () => {
    const { store, queue, close } = open();
    const [item] = queue.add([{ label: 'done-before-crash', config: cfg('vgg19') }]);
    const runId = store.createRun({ modelName: 'vgg19', config: cfg('vgg19'), seed: 7, datasetFingerprint: null });
    store.markRunning(runId, process.pid);
    store.finishRun(runId, 'completed');
    queue.markRunning(item!.id, runId);
    const exec = new FakeExecutor(store);
    await new QueueRunner(queue, store, exec).run();
    expect(exec.calls).toEqual([`evaluate:${runId}`]);
    expect(queue.require(item!.id).status).toBe('done');
    close();
  });

  it('stop() saves the running item back to waiting; the next run resumes it', async () => {
    const { store, queue, close } = open();
    queue.add([{ label: 'long', config: cfg('dcnnbea') }, { label: 'next', config: cfg('alexnet') }]);
    const exec = new FakeExecutor(store);
    const runner = new QueueRunner(queue, store, exec);
    runner.on('log', (e) => {
      if (e.message.includes('started run 1')) runner.stop();
    });
    const r = await runner.run();
    expect(r.reason).toBe('stopped');
    expect(exec.calls).toEqual(['start:1:dcnnbea', 'stop:1']);
    expect(queue.require(1)).toMatchObject({ status: 'pending', runId: 1 });
    expect(existsSync(`${store.runDir(1)}/last/state.json`)).toBe(true);
    await runner.run();
    expect(exec.calls.slice(2)).toEqual(['resume:1', 'evaluate:1', 'start:2:alexnet', 'evaluate:2']);
    close();
  });

  it('lets only one live process execute the queue', async () => {
    const { store, queue, close } = open();
    queue.add([{ label: 'x', config: cfg('alexnet') }]);
    expect(queue.acquireRunner(999_999, () => true)).toEqual({ ok: true });
    await expect(new QueueRunner(queue, store, new FakeExecutor(store), { isAlive: () => true }).run()).rejects.toThrow(QueueBusyError);
    // A dead holder is taken over.
    expect(queue.acquireRunner(process.pid, () => false)).toEqual({ ok: true });
    queue.releaseRunner(process.pid);
    close();
  });
});
