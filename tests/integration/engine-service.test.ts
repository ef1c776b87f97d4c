/**
 * RunService bookkeeping with a scripted fake worker (no tfjs): how each way a worker can end is
 * recorded, and the fork transport's crash reporting with a real child process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../src-main/store/run-store.ts';
import { RunService } from '../../src-main/engine/run-service.ts';
import { forkTransport, LineTail, utilityProcessTransport, type WorkerExit, type WorkerTransport } from '../../src-main/worker/transport.ts';
import type { FromWorker, ToWorker } from '../../src-main/worker/protocol.ts';
import { syntheticDataset } from '../unit/ml/train/synthetic.ts';
import { tempHome } from './engine-helpers.ts';

const home = tempHome('fer-service-');
const store = RunStore.open(home);
const dataset = syntheticDataset({ perClassSplit: [2, 1, 1] });
const config = { model: 'alexnet', modelConfig: { inputSize: 16, widthMultiplier: 1 / 16 }, backend: 'cpu', training: { epochs: 2 } };

afterAll(() => {
  store.close();
  rmSync(home, { recursive: true, force: true });
});

/** A transport whose "worker" plays a script of messages and then exits as told. */
function scripted(script: FromWorker[], exit: Omit<WorkerExit, 'stderrTail'>, stderr: string[] = []): { factory: () => WorkerTransport; sent: ToWorker[] } {
  const sent: ToWorker[] = [];
  const factory = (): WorkerTransport => {
    const ee = new EventEmitter();
    return {
      pid: 4242,
      send: (m) => {
        sent.push(m);
        if (m.type === 'start') {
          setImmediate(() => {
            for (const msg of script) ee.emit('message', msg);
            ee.emit('exit', { ...exit, stderrTail: stderr });
          });
        }
      },
      onMessage: (cb) => ee.on('message', cb),
      onExit: (cb) => ee.once('exit', cb),
      kill: () => {},
    };
  };
  return { factory, sent };
}

const epoch = (n: number): FromWorker => ({
  type: 'epoch',
  epoch: n,
  epochs: 2,
  trainLoss: 1 / n,
  trainAcc: 0.5,
  valLoss: 1,
  valAcc: 0.4 + n / 10,
  lr: 0.001,
  elapsedMs: 10,
  numTensors: 50,
  best: true,
});

describe('RunService outcome bookkeeping', () => {
  it('done: records epochs, best epoch and the completed status', async () => {
    const { factory, sent } = scripted(
      [{ type: 'ready', pid: process.pid }, epoch(1), epoch(2), { type: 'done', status: 'completed', reason: 'epochs', epochsDone: 2, bestEpoch: 2, bestValue: 0.6 }],
      { code: 0, signal: null },
    );
    const service = new RunService({ store, transport: factory });
    // A throwing listener must not break the bookkeeping.
    service.on('epoch', () => {
      throw new Error('listener bug');
    });
    const { runId } = await service.start(config, { dataset });
    const outcome = await service.wait(runId);
    expect(outcome.status).toBe('completed');
    expect(sent[0]).toMatchObject({ type: 'start', runId, resume: false, data: { kind: 'inline' } });
    const run = store.requireRun(runId);
    expect(run).toMatchObject({ status: 'completed', epochsDone: 2, bestEpoch: 2 });
    expect(run.bestValAcc).toBeCloseTo(0.6);
    expect(store.getDataset(dataset.fingerprint)?.name).toBe('synthetic');
  });

  it('an error message: failed with that message', async () => {
    const { factory } = scripted([{ type: 'ready', pid: process.pid }, { type: 'error', message: 'CUDA_ERROR_OUT_OF_MEMORY' }], { code: 1, signal: null });
    const service = new RunService({ store, transport: factory });
    const { runId } = await service.start(config, { dataset });
    const outcome = await service.wait(runId);
    expect(outcome).toMatchObject({ status: 'failed', error: 'CUDA_ERROR_OUT_OF_MEMORY' });
    expect(store.requireRun(runId).error).toBe('CUDA_ERROR_OUT_OF_MEMORY');
  });

  it('killed by a signal without a report: interrupted, cause names the signal and stderr', async () => {
    const { factory } = scripted([{ type: 'ready', pid: process.pid }, epoch(1)], { code: null, signal: 'SIGKILL' }, ['last words']);
    const service = new RunService({ store, transport: factory });
    const exits: string[] = [];
    service.on('exit', (e) => exits.push(e.cause));
    const { runId } = await service.start(config, { dataset });
    const outcome = await service.wait(runId);
    expect(outcome.status).toBe('interrupted');
    expect(exits[0]).toContain('killed by SIGKILL');
    expect(exits[0]).toContain('last words');
    expect(store.requireRun(runId)).toMatchObject({ status: 'interrupted', epochsDone: 1 });
  });

  it('a native crash (exit code, no report): failed with the code and stderr tail', async () => {
    const { factory } = scripted([{ type: 'ready', pid: process.pid }], { code: 134, signal: null }, ['Aborted (core dumped)']);
    const service = new RunService({ store, transport: factory });
    const { runId } = await service.start(config, { dataset });
    const outcome = await service.wait(runId);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('exited with code 134');
    expect(outcome.error).toContain('Aborted (core dumped)');
  });

  it('refuses to resume a run without a checkpoint, or an unknown run', async () => {
    const service = new RunService({ store, transport: scripted([], { code: 0, signal: null }).factory });
    const [last] = store.listRuns({ limit: 1 });
    await expect(service.resume(last!.id, { dataset })).rejects.toThrow(/no checkpoint to resume from/);
    await expect(service.resume(99999)).rejects.toThrow(/no run with id 99999/);
    await expect(service.evaluate(last!.id, { dataset })).rejects.toThrow(/no 'best' checkpoint/);
    expect(() => service.stop(last!.id)).toThrow(/no active worker/);
  });
});

describe('worker transports', () => {
  it('LineTail keeps the last lines, partial line included', () => {
    const t = new LineTail(2);
    t.push('a\nb\nc');
    t.push('d\ne');
    expect(t.get()).toEqual(['cd', 'e']);
  });

  it('forkTransport reports a crashing child with its exit code and stderr', async () => {
    const script = join(home, 'crash.mjs');
    writeFileSync(script, "process.stderr.write('boom: out of memory\\n'); process.exit(3);\n");
    const t = forkTransport({ entry: script });
    const exit = await new Promise<WorkerExit>((resolve) => t.onExit(resolve));
    expect(exit.code).toBe(3);
    expect(exit.stderrTail).toEqual(['boom: out of memory']);
  });

  it('forkTransport reports a SIGKILLed child with the signal', async () => {
    const script = join(home, 'hang.mjs');
    writeFileSync(script, "process.on('message', () => {}); setInterval(() => {}, 1000);\n");
    const t = forkTransport({ entry: script });
    t.kill('SIGKILL');
    const exit = await new Promise<WorkerExit>((resolve) => t.onExit(resolve));
    expect(exit.signal).toBe('SIGKILL');
  });

  it('utilityProcessTransport maps an Electron-like utility process', async () => {
    const child = Object.assign(new EventEmitter(), {
      pid: 7,
      stderr: new EventEmitter() as unknown as NodeJS.ReadableStream,
      posted: [] as unknown[],
      postMessage(m: unknown) {
        this.posted.push(m);
      },
      kill: () => true,
    });
    const t = utilityProcessTransport(child);
    const got: FromWorker[] = [];
    t.onMessage((m) => got.push(m));
    t.send({ type: 'pause' });
    child.emit('message', { type: 'ready', pid: 7 });
    (child.stderr as unknown as EventEmitter).emit('data', Buffer.from('fatal\n'));
    const exit = new Promise<WorkerExit>((resolve) => t.onExit(resolve));
    child.emit('exit', 9);
    expect(child.posted).toEqual([{ type: 'pause' }]);
    expect(got).toEqual([{ type: 'ready', pid: 7 }]);
    expect(await exit).toEqual({ code: 9, signal: null, stderrTail: ['fatal'] });
  });
});
