import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../../src-main/ml/models/registry.ts';
import { captureCheckpoint, CHECKPOINT_VERSION, writeCheckpoint, type LoopState } from '../../../src-main/ml/train/checkpoint.ts';
import { exportModel, loadExportedModel } from '../../../src-main/portable/model-export.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';

let home: string;
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'fer-lab-export-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

const modelConfig = { inputSize: 16, widthMultiplier: 1 / 16, classes: 3, activation: { kind: 'tafmn' as const, m: 2, k: 2 }, head: 'svm' as const, seqLength: 2, frameViews: 'crops-flips' as const, lstmUnits: 4 };

describe('export-model', () => {
  it('writes a tfjs layers model that plain tfjs loads and that predicts exactly like the checkpoint', async () => {
    await tf.setBackend('cpu');
    const store = RunStore.open(home, { isAlive: () => false });
    store.upsertDataset({ fingerprint: 'fp', name: 'tiny', source: '/d', format: 'class-folders', classNames: ['angry', 'happy', 'sad'], counts: {} });
    const config = { model: 'dcnnbea', modelConfig, training: { optimizer: { type: 'adadelta', learningRate: 1 } }, data: { normalization: 'standardize' } };
    const runId = store.createRun({ modelName: 'dcnnbea', config, seed: 1, datasetFingerprint: 'fp' });

    // A "trained" model: random weights saved as the run's best checkpoint.
    const model = buildModel('dcnnbea', modelConfig);
    const optimizer = tf.train.adadelta(1);
    const state = {
      version: CHECKPOINT_VERSION, epoch: 2, partial: false, prng: { data: 1, augment: 2, math: 3 },
      schedule: {}, best: {}, earlyStopping: {}, lr: 1, normalization: { kind: 'standardize', mean: 0.5, std: 0.25 }, savedAt: new Date().toISOString(),
    } as unknown as LoopState;
    writeCheckpoint(store.runDir(runId), 'best', await captureCheckpoint(model, optimizer, state));
    optimizer.dispose();

    const input = tf.randomUniform([2, 2, 16, 16, 1], 0, 1, 'float32', 7);
    const expected = model.predict(input) as tf.Tensor;
    const before = tf.memory().numTensors;

    const { dir, meta } = await exportModel(store, runId, join(home, 'export'));
    expect(tf.memory().numTensors).toBe(before);
    expect(meta).toMatchObject({ model: 'dcnnbea', epoch: 2, classNames: ['angry', 'happy', 'sad'], inputShape: [2, 16, 16, 1], head: 'svm', frames: { count: 2, views: 'crops-flips' } });
    expect(meta.normalization).toEqual({ kind: 'standardize', mean: 0.5, std: 0.25 });
    expect(meta.customLayers).toEqual(['FoldTime', 'Tafmn', 'UnfoldTime']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./group1-shard1of1.bin']);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('### `Tafmn`');
    expect(readme).toContain('subtract 0.5 and divide by 0.25');

    const loaded = await loadExportedModel(dir);
    const got = loaded.predict(input) as tf.Tensor;
    expect(Array.from(await got.data())).toEqual(Array.from(await expected.data()));
    await expect(exportModel(store, runId, dir)).rejects.toThrow(/is not empty/);
    await expect(exportModel(store, runId, join(home, 'x'), 'last')).rejects.toThrow(/no 'last' checkpoint/);
    tf.dispose([input, expected, got]);
    loaded.dispose();
    model.dispose();
    store.close();
  });
});
