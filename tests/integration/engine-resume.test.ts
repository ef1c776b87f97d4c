/**
 * kill -9 of a training worker mid-epoch: the parent survives and records the run 'interrupted' with
 * the cause; the database stays intact; `fer-lab resume` continues from the last checkpoint and, with
 * a fixed seed on the CPU backend, reproduces the uninterrupted run's losses.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { RunStore } from '../../src-main/store/run-store.ts';
import { RunService } from '../../src-main/engine/run-service.ts';
import { TINY_MODEL, runCli, tempHome, writeSyntheticCsv } from './engine-helpers.ts';

const home = tempHome();
const csv = writeSyntheticCsv(home, [3, 1, 1]);

afterAll(() => rmSync(home, { recursive: true, force: true }));

const config = {
  model: 'alexnet',
  // Dropout and augmentation on: the resumed run must restore every random stream, not just weights.
  modelConfig: { ...TINY_MODEL, dropout: 0.3 },
  data: { path: csv, augmentation: { enabled: true } },
  training: { epochs: 3, batchSize: 8, optimizer: { type: 'adam', learningRate: 0.003 } },
  backend: 'cpu',
  seed: 11,
};

describe('kill -9 and resume', () => {
  it('survives the kill, marks the run interrupted, and resume matches an uninterrupted run', async () => {
    let store = RunStore.open(home);
    const service = new RunService({ store });

    const a = await service.start(config);
    expect((await service.wait(a.runId)).status).toBe('completed');
    const reference = store.getEpochMetrics(a.runId);
    expect(reference).toHaveLength(3);

    const b = await service.start(config);
    let killedPid = 0;
    let exitCause = '';
    service.on('exit', (e) => {
      if (e.runId === b.runId) exitCause = e.cause;
    });
    // The epoch event comes after epoch 1's checkpoints are written; the worker is then in epoch 2.
    const off = service.on('epoch', (e) => {
      if (e.runId === b.runId && e.epoch === 1 && killedPid === 0) {
        killedPid = store.requireRun(b.runId).workerPid!;
        process.kill(killedPid, 'SIGKILL');
        off();
      }
    });
    const outcome = await service.wait(b.runId);
    expect(killedPid).toBeGreaterThan(0);
    expect(outcome.status).toBe('interrupted');
    expect(outcome.exit.signal).toBe('SIGKILL');
    expect(exitCause).toContain('SIGKILL');
    const run = store.requireRun(b.runId);
    expect(run.status).toBe('interrupted');
    expect(run.error).toContain('SIGKILL');
    expect(store.getEpochMetrics(b.runId).map((e) => e.epoch)).toEqual([1]);
    expect(store.integrityCheck()).toEqual(['ok']);
    // The parent (this process) is alive and the service still works.
    expect(service.activeRuns()).toEqual([]);
    // A kill between epoch 1's checkpoint and its epoch event loses that row; simulate it: resume
    // must restore the row from the checkpoint, so the run still has epochs 1, 2, 3.
    store.connection.prepare('DELETE FROM epoch_metrics WHERE run_id = ?').run(b.runId);
    store.close();

    const res = await runCli(['--home', home, 'resume', String(b.runId), '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ runId: b.runId, status: 'completed', epochs: 3 });

    store = RunStore.open(home);
    const resumed = store.getEpochMetrics(b.runId);
    expect(resumed.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(store.requireRun(b.runId).resumedFromEpoch).toBe(1);
    for (const epoch of [1, 2, 3]) {
      expect(Math.abs(resumed[epoch - 1]!.trainLoss! - reference[epoch - 1]!.trainLoss!), `epoch ${epoch}`).toBeLessThan(1e-4);
    }
    expect(store.integrityCheck()).toEqual(['ok']);
    store.close();
  });
});
