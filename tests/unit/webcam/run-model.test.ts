import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../../src-main/ml/models/registry.ts';
import { captureCheckpoint, CHECKPOINT_VERSION, writeCheckpoint, type LoopState } from '../../../src-main/ml/train/checkpoint.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';
import { runModelFiles } from '../../../src-main/api/backend/run-model.ts';
import { TfjsModelClassifier } from '../../../src-renderer/src/webcam/tfjs-model-classifier.ts';
import { EXPRESSIONS } from '../../../src-renderer/src/webcam/expressions.ts';

const ALPHA = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'];
const modelConfig = { inputSize: 16, widthMultiplier: 1 / 16, classes: 7, activation: { kind: 'tafmn' as const, m: 2, k: 2 }, head: 'softmax' as const, seqLength: 2, frameViews: 'crops-flips' as const, lstmUnits: 4 };

let home: string;
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'fer-webcam-run-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('runs:model -> webcam classifier', () => {
  it("loads a saved run's best checkpoint into the webcam and predicts exactly like the run's model", async () => {
    await tf.setBackend('cpu');
    const store = RunStore.open(home, { isAlive: () => false });
    store.upsertDataset({ fingerprint: 'fp', name: 'fer', source: '/d', format: 'kaggle-folders', classNames: ALPHA, counts: {} });
    const config = { model: 'dcnnbea', modelConfig, training: { optimizer: { type: 'adadelta', learningRate: 1 } }, data: { normalization: 'scale' } };
    const runId = store.createRun({ modelName: 'dcnnbea', config, seed: 1, datasetFingerprint: 'fp' });
    const model = buildModel('dcnnbea', modelConfig);
    const optimizer = tf.train.adadelta(1);
    const state = {
      version: CHECKPOINT_VERSION, epoch: 1, partial: false, prng: { data: 1, augment: 2, math: 3 },
      schedule: {}, best: {}, earlyStopping: {}, lr: 1, normalization: { kind: 'scale', mean: 0, std: 1 }, savedAt: new Date().toISOString(),
    } as unknown as LoopState;
    writeCheckpoint(store.runDir(runId), 'best', await captureCheckpoint(model, optimizer, state));
    optimizer.dispose();

    const files = await runModelFiles(store, runId);
    const clf = await TfjsModelClassifier.fromRunFiles(files, `run ${runId}`);
    // DCNNBEA with T = 2: the webcam feeds each face's last two crops.
    expect(clf.sequenceLength).toBe(2);
    expect(clf.cropSize).toBe(16);

    const a = Uint8Array.from({ length: 256 }, (_, i) => i);
    const b = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const [got] = await clf.classify([[a, b]]);
    const input = tf.tensor5d([...a, ...b].map((v) => v / 255), [1, 2, 16, 16, 1]);
    const expected = Array.from(await (model.predict(input) as tf.Tensor).data());
    // The run's classes are in alphabetical order; the webcam reorders them into FER order.
    EXPRESSIONS.forEach((name, i) => expect(got?.[i]).toBeCloseTo(expected[ALPHA.indexOf(name)] ?? NaN, 5));

    const other = store.createRun({ modelName: 'dcnnbea', config, seed: 2, datasetFingerprint: 'fp' });
    await expect(runModelFiles(store, other)).rejects.toMatchObject({ code: 'not-found' });
    tf.dispose(input);
    clf.dispose();
    model.dispose();
    store.close();
  });
});
