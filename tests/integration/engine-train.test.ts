/**
 * The engine end to end on the CPU backend: RunService forks real workers that train a tiny model on
 * a synthetic dataset; metrics, checkpoints and evaluations land in a real RunStore.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunStore } from '../../src-main/store/run-store.ts';
import { RunService } from '../../src-main/engine/run-service.ts';
import { syntheticDataset } from '../unit/ml/train/synthetic.ts';
import { TINY_MODEL, tempHome } from './engine-helpers.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const home = tempHome();
const store = RunStore.open(home);
const service = new RunService({ store });
const dataset = syntheticDataset();

afterAll(async () => {
  await service.shutdown();
  store.close();
  rmSync(home, { recursive: true, force: true });
});

const baseConfig = {
  model: 'alexnet',
  modelConfig: { ...TINY_MODEL, dropout: 0.2 },
  training: { epochs: 3, batchSize: 8, optimizer: { type: 'adam', learningRate: 0.005 } },
  backend: 'cpu',
  seed: 3,
};

describe('RunService training on the CPU backend', () => {
  it('trains 3 epochs: a row per epoch, stable tensor count, checkpoints, then an evaluation', async () => {
    const events: string[] = [];
    service.on('status', (e) => events.push(`status:${e.status}`));
    const batches: number[] = [];
    service.on('batch', (e) => batches.push(e.atMs));
    const { runId } = await service.start(baseConfig, { dataset });
    const outcome = await service.wait(runId);
    expect(outcome).toMatchObject({ status: 'completed', error: null });

    const epochs = store.getEpochMetrics(runId);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of epochs) {
      expect(Number.isFinite(e.trainLoss)).toBe(true);
      expect(e.valAcc).not.toBeNull();
      expect(e.lr).toBeCloseTo(0.005);
    }
    // No tensor leaks across epochs.
    expect(new Set(epochs.map((e) => e.numTensors)).size).toBe(1);
    expect(store.getBatchMetrics(runId).length).toBeGreaterThan(0);
    // Batch events are throttled to at most 10/s (100 ms apart; atMs is wall-clock, allow clock jitter).
    expect(batches.length).toBeGreaterThan(0);
    for (let i = 1; i < batches.length; i++) expect(batches[i]! - batches[i - 1]!).toBeGreaterThanOrEqual(95);

    const run = store.requireRun(runId);
    expect(run.status).toBe('completed');
    expect(run.epochsDone).toBe(3);
    expect(run.bestEpoch).not.toBeNull();
    expect(run.backend).toMatchObject({ name: 'cpu', gpu: false });
    expect(run.versions['@tensorflow/tfjs']).toBe('4.22.0');
    const runDir = store.runDir(runId);
    for (const kind of ['best', 'last']) {
      for (const f of ['weights.bin', 'weights.json', 'optimizer.bin', 'optimizer.json', 'state.json']) {
        expect(existsSync(join(runDir, kind, f)), `${kind}/${f}`).toBe(true);
      }
    }
    expect(store.getArtifact(runId, 'last')?.epoch).toBe(3);
    expect(events).toContain('status:running');
    expect(events.at(-1)).toBe('status:completed');

    const ev = await service.evaluate(runId, { split: 'test', tta: false, dataset });
    const total = ev.report.confusion.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(9);
    expect(ev.report.numSamples).toBe(9);
    const preds = store.getPredictions(ev.evaluationId);
    expect(preds?.predicted.length).toBe(9);
    expect(store.requireRun(runId).testAcc).toBeCloseTo(ev.report.accuracy);

    const tta = await service.evaluate(runId, { split: 'val', tta: true, checkpoint: 'last', dataset });
    expect(tta.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(9);
    expect(store.listEvaluations(runId)).toHaveLength(2);
  });

  it('pause holds the worker, resume continues it, stop leaves a stopped run with a usable best checkpoint', async () => {
    const { runId } = await service.start({ ...baseConfig, training: { ...baseConfig.training, epochs: 50 } }, { dataset });
    const statuses: string[] = [];
    service.on('status', (e) => e.runId === runId && statuses.push(e.status));
    let pausedAt = 0;
    let resumedAt = 0;
    const eventTimes: number[] = [];
    const off = service.on('batch', (e) => {
      if (e.runId !== runId) return;
      eventTimes.push(e.atMs);
      if (pausedAt === 0) {
        pausedAt = Date.now();
        service.pause(runId);
        setTimeout(() => {
          resumedAt = Date.now();
          service.resumePaused(runId);
        }, 2500);
      } else if (resumedAt !== 0) {
        off();
        service.stop(runId);
      }
    });
    const outcome = await service.wait(runId);
    expect(statuses).toEqual(expect.arrayContaining(['paused', 'running']));
    // Apart from the batch in flight when the pause arrived, nothing trains while paused.
    expect(eventTimes.filter((t) => t > pausedAt + 1500 && t < resumedAt)).toEqual([]);
    expect(eventTimes.some((t) => t >= resumedAt)).toBe(true);
    expect(outcome.status).toBe('stopped');
    const run = store.requireRun(runId);
    expect(run.status).toBe('stopped');
    expect(run.epochsDone).toBeLessThan(50);
    expect(existsSync(join(store.runDir(runId), 'best', 'state.json'))).toBe(true);
    const ev = await service.evaluate(runId, { split: 'test', dataset });
    expect(ev.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(9);
  });
});

const fer2013 = resolve(repoRoot, '../shared/datasets/fer2013');
const haveFer = existsSync(fer2013);
if (!haveFer) console.warn(`skipping the FER2013 subset run: ${fer2013} is absent`);

describe.skipIf(!haveFer)('RunService on a small FER2013 subset (Kaggle layout, imported at 16x16)', () => {
  // The shared copy has only PublicTest_ files under test/, which the importer makes the val split.
  it('trains 3 epochs and evaluates the val (PublicTest) split', async () => {
    // A few real faces per class copied to a temporary Kaggle-layout folder (never written into the source).
    const subset = join(home, 'fer2013-subset');
    for (const [split, n] of [['train', 3], ['test', 1]] as const) {
      for (const cls of readdirSync(join(fer2013, split)).sort()) {
        const files = readdirSync(join(fer2013, split, cls)).sort().slice(0, n);
        mkdirSync(join(subset, split, cls), { recursive: true });
        for (const f of files) copyFileSync(join(fer2013, split, cls, f), join(subset, split, cls, f));
      }
    }
    const { runId } = await service.start({ ...baseConfig, data: { path: subset } });
    expect((await service.wait(runId)).status).toBe('completed');
    const epochs = store.getEpochMetrics(runId);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(new Set(epochs.map((e) => e.numTensors)).size).toBe(1);
    const ev = await service.evaluate(runId, { split: 'val' });
    expect(ev.report.classNames).toHaveLength(7);
    expect(ev.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(7);
  });
});
