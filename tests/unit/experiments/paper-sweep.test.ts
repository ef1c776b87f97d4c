import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queuePaperExperiment, queueSweep } from '../../../src-main/experiments/index.ts';
import { BASELINE_KEY, expandPaperExperiment, PAPER_ENTRIES } from '../../../src-main/experiments/paper.ts';
import { paperResults } from '../../../src-main/experiments/paper-results.ts';
import { QueueRunner } from '../../../src-main/experiments/queue-runner.ts';
import { QueueStore } from '../../../src-main/experiments/queue-store.ts';
import { expandSweep, rankSweep } from '../../../src-main/experiments/sweep.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';
import { tempHome } from '../store/helpers.ts';
import { FakeExecutor } from './fake-executor.ts';

describe('the paper experiment', () => {
  it('expands to exactly the six configurations with the paper settings', () => {
    const items = expandPaperExperiment({ dataPath: '/data/fer2013' });
    expect(items.map((i) => i.label)).toEqual(['AlexNet', 'VGG16', 'VGG19', 'ResNet-152', 'DCNNBEA', 'DCNNBEA + TAFMN']);
    expect(items.map((i) => i.config.model)).toEqual(['alexnet', 'vgg16', 'vgg19', 'resnet152', 'dcnnbea', 'dcnnbea']);
    expect(items.map((i) => i.reference)).toEqual([0.152, 0.374, 0.397, 0.487, 0.498, 0.684]);
    for (const i of items) {
      expect(i.config.training.batchSize).toBe(256);
      expect(i.config.training.optimizer).toMatchObject({ type: 'adadelta', learningRate: 1 });
      expect(i.config.training.schedule).toEqual({ type: 'constant' });
      expect(i.config.training.epochs).toBe(270);
      expect(i.config.data.path).toBe('/data/fer2013');
      expect(i.params).toEqual({});
      // Batch norm after each convolution (every zoo model) and after each pooling layer.
      expect(i.config.modelConfig).toMatchObject({ bnAfterPool: true });
    }
    const [dcnnbea, tafmn] = items.slice(4);
    expect(dcnnbea!.config.modelConfig).toMatchObject({ head: 'svm', activation: { kind: 'relu' } });
    expect(tafmn!.config.modelConfig).toMatchObject({ head: 'svm', activation: { kind: 'tafmn', m: 2, k: 2 } });
    // Baselines keep the zoo's full-size defaults (no width multiplier or input change).
    expect(items[0]!.config.modelConfig).toEqual({ bnAfterPool: true });
  });

  it('adds the vgg-fer baseline with its own recipe only when asked, and marks stand-ins', () => {
    const items = expandPaperExperiment({ dataPath: '/d', includeBaseline: true, standIn: { inputSize: 16, widthMultiplier: 0.0625, epochs: 1, batchSize: 4, maxPerSplit: 8, seqLength: 2 } });
    expect(items).toHaveLength(7);
    const base = items[6]!;
    expect(base.key).toBe(BASELINE_KEY);
    expect(base.config.model).toBe('vgg-fer');
    expect(base.config.training.optimizer).toMatchObject({ type: 'sgd', nesterov: true });
    for (const i of items) {
      expect(i.config.modelConfig).toMatchObject({ inputSize: 16, widthMultiplier: 0.0625 });
      expect(i.config.training).toMatchObject({ epochs: 1, batchSize: 4 });
      expect(i.config.name).toMatch(/\(stand-in\)$/);
      expect(i.params).toHaveProperty('standIn');
    }
    expect(items[4]!.config.modelConfig.seqLength).toBe(2);
    expect(() => expandPaperExperiment({ standIn: { widthMultiplier: -1 } })).toThrow(/widthMultiplier/);
  });
});

const base = { model: 'vgg-fer', data: { path: '/d' }, modelConfig: { inputSize: 16 } };

describe('sweeps', () => {
  it('expands a grid into every combination, last field fastest, each config validated', () => {
    const trials = expandSweep({
      method: 'grid',
      base,
      params: { 'training.optimizer.learningRate': { values: [0.1, 0.01] }, 'training.batchSize': { values: [16, 32, 64] } },
    });
    expect(trials).toHaveLength(6);
    expect(trials.map((t) => [t.config.training.optimizer.learningRate, t.config.training.batchSize])).toEqual([
      [0.1, 16], [0.1, 32], [0.1, 64], [0.01, 16], [0.01, 32], [0.01, 64],
    ]);
    expect(trials[4]!.params).toEqual({ 'training.optimizer.learningRate': 0.01, 'training.batchSize': 32 });
    expect(trials[4]!.label).toBe('sweep #5 (learningRate=0.01, batchSize=32)');
    expect(trials[0]!.config.modelConfig).toEqual({ inputSize: 16 });
  });

  it('refuses bad sweeps naming the field', () => {
    expect(() => expandSweep({ method: 'grid', base, params: { 'training.batchSize': { min: 1, max: 4 } } })).toThrow(/params.training.batchSize: a grid needs a list of values/);
    expect(() => expandSweep({ method: 'random', base, params: { 'training.batchSize': { values: [8] } } })).toThrow(/trials: random search needs/);
    expect(() => expandSweep({ method: 'grid', base, params: { 'training.batchSize': { values: [0] } } })).toThrow(/sweep trial 1 .*training.batchSize/s);
    expect(() => expandSweep({ method: 'grid', base, params: { 'training.__proto__.x': { values: [1] } } })).toThrow(/not a config field path/);
    expect(() => expandSweep({ method: 'grid', base, maxTrials: 3, params: { 'training.batchSize': { values: [1, 2] }, seed: { values: [1, 2] } } })).toThrow(/4 combinations, more than maxTrials 3/);
  });

  it('random search is seeded: same seed, same trials; ranges respected', () => {
    const spec = {
      method: 'random' as const,
      base,
      trials: 5,
      seed: 123,
      params: { 'training.optimizer.learningRate': { min: 1e-4, max: 1e-1, log: true }, 'training.batchSize': { min: 8, max: 64, integer: true }, 'modelConfig.dropout': { values: [0, 0.25, 0.5] } },
    };
    const a = expandSweep(spec);
    const b = expandSweep(spec);
    const c = expandSweep({ ...spec, seed: 124 });
    expect(a.map((t) => t.params)).toEqual(b.map((t) => t.params));
    expect(a.map((t) => t.params)).not.toEqual(c.map((t) => t.params));
    for (const t of a) {
      const lr = t.params['training.optimizer.learningRate'] as number;
      const bs = t.params['training.batchSize'] as number;
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(bs) && bs >= 8 && bs <= 64).toBe(true);
      expect([0, 0.25, 0.5]).toContain(t.params['modelConfig.dropout']);
    }
  });
});

describe('queued experiments and their results', () => {
  let home: string;
  let cleanup: () => void;
  beforeEach(() => ({ home, cleanup } = tempHome()));
  afterEach(() => cleanup());

  it('queues the paper experiment and puts reproduced next to reported accuracy after the runs', async () => {
    const store = RunStore.open(home, { isAlive: () => false });
    const queue = QueueStore.open(store);
    expect(() => queuePaperExperiment(queue, {})).toThrow(/needs a dataset/);
    const { experimentId, items } = queuePaperExperiment(queue, { dataPath: '/d', includeBaseline: true, standIn: { epochs: 1 } });
    expect(items.map((i) => i.itemKey)).toEqual([...PAPER_ENTRIES.map((e) => e.key), BASELINE_KEY]);
    let before = paperResults(queue, store);
    expect(before.standIn).toBe(true);
    expect(before.rows.every((r) => r.reproduced === null && r.status === 'pending')).toBe(true);

    // Every fake run gets accuracy 1/2 (correct every 2nd of 12 samples).
    await new QueueRunner(queue, store, new FakeExecutor(store, [], 2)).run();
    before = paperResults(queue, store, experimentId);
    expect(before.rows).toHaveLength(7);
    const alex = before.rows[0]!;
    expect(alex).toMatchObject({ label: 'AlexNet', reference: 0.152, reproduced: 0.5, status: 'done' });
    expect(alex.delta).toBeCloseTo(0.5 - 0.152, 10);
    expect(before.rows[6]).toMatchObject({ kind: 'baseline', reference: 0.7328, reproduced: 0.5 });
    queue.close();
    store.close();
  });

  it('queues a sweep and ranks its finished trials best first', async () => {
    const store = RunStore.open(home, { isAlive: () => false });
    const queue = QueueStore.open(store);
    const { experimentId, items } = queueSweep(queue, { name: 'lr', method: 'grid', base, params: { 'training.optimizer.learningRate': { values: [0.1, 0.01, 0.001] } } });
    expect(items).toHaveLength(3);
    // Trial 1 fails; trials 2 and 3 get different accuracies.
    const exec = new FakeExecutor(store, ['failed', 'completed', 'completed']);
    const runner = new QueueRunner(queue, store, exec);
    await runner.run();
    // Make trial 3 better than trial 2 by evaluating it again with a better result.
    const third = queue.require(items[2]!.id).runId!;
    await new FakeExecutor(store, [], 1).evaluate(third);
    const ranked = rankSweep(queue, store, experimentId);
    expect(ranked.metric).toBe('test_accuracy');
    expect(ranked.rows.map((r) => [r.rank, r.key, r.value])).toEqual([
      [1, 'trial-3', 1],
      [2, 'trial-2', 0.5],
      [null, 'trial-1', null],
    ]);
    expect(() => queueSweep(queue, { method: 'grid', base: { model: 'vgg-fer' }, params: { seed: { values: [1] } } })).toThrow(/needs data.path/);
    queue.close();
    store.close();
  });
});
