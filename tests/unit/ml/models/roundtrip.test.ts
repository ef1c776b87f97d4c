/** save -> load round trips (tfjs file format, custom layers included), tensor leaks, pretrained init. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, imagesToModelInput, MODEL_NAMES, type ModelConfigInput } from '../../../../src-main/ml/models/registry.ts';
import { loadModelFromDir, saveModelToDir } from '../../../../src-main/ml/models/model-io.ts';
import { initFromPretrained } from '../../../../src-main/ml/models/pretrained.ts';
import { syntheticBatch } from './helpers.ts';

const TINY: ModelConfigInput = { inputSize: 16, widthMultiplier: 1 / 16, classes: 3 };
let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'fer-lab-models-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Moves every weight (batch-norm moving statistics included) off its initial value, so the round trip
 * is tested on non-trivial values without paying for training steps.
 */
function nudge(model: tf.LayersModel): void {
  model.weights.forEach((w, i) => {
    const v = w.read();
    const moved = tf.tidy(() => {
      const noise = tf.randomUniform(v.shape, 0, 0.1, 'float32', 1000 + i);
      // Variances must stay positive; everything else may move either way.
      return /moving_variance/.test(w.name) ? tf.add(v, noise) : tf.add(v, tf.sub(noise, 0.05));
    });
    w.write(moved);
    moved.dispose();
  });
}

const CASES: [string, ModelConfigInput][] = [
  ...MODEL_NAMES.map((n): [string, ModelConfigInput] => [n, TINY]),
  ...MODEL_NAMES.map((n): [string, ModelConfigInput] => [n, { ...TINY, activation: { kind: 'tafmn', m: 3, k: 2 }, head: 'svm' }]),
  ['dcnnbea', { ...TINY, seqLength: 3, activation: { kind: 'tafmn', secondLayer: { m: 2, k: 2 } }, head: 'svm', lstmLayers: 2 }],
];

describe('save -> load round trip', () => {
  it.each(CASES)('%s %o gives identical predictions after loading', async (name, cfg) => {
    const { x: images, y } = syntheticBatch(16, 2, 9);
    const x = imagesToModelInput(name, cfg, images);
    const model = buildModel(name, cfg);
    nudge(model);
    const before = model.predict(x) as tf.Tensor;
    const dir = join(root, `${name}-${CASES.findIndex((c) => c[1] === cfg)}`);
    await saveModelToDir(model, dir);
    const loaded = await loadModelFromDir(dir);
    const after = loaded.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(before, after))).dataSync()[0] as number);
    expect(diff).toBeLessThan(1e-6);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(loaded.countParams()).toBe(model.countParams());
    // Refuses to overwrite an existing save unless asked.
    await expect(saveModelToDir(model, dir)).rejects.toThrow(/already exists/);
    tf.dispose([before, after, images, y]);
    if (x !== images) x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('names the file at fault when a model folder is broken', async () => {
    const dir = join(root, 'broken');
    const model = buildModel('resnet18', TINY);
    await saveModelToDir(model, dir);
    model.dispose();
    rmSync(join(dir, 'weights.bin'));
    await expect(loadModelFromDir(dir)).rejects.toThrow(/weights\.bin: weight shard listed in .*model\.json is missing/);
    writeFileSync(join(dir, 'model.json'), '{not json');
    await expect(loadModelFromDir(dir)).rejects.toThrow(/model\.json: not valid JSON/);
    await expect(loadModelFromDir(join(root, 'nowhere'))).rejects.toThrow(/nowhere.*model\.json not found/);
  });
});

describe('no tensor leaks', () => {
  it.each([...MODEL_NAMES])('%s: build, predict, dispose leaves numTensors unchanged', (name) => {
    const cfg: ModelConfigInput = { ...TINY, activation: { kind: 'tafmn' }, head: 'svm' };
    const before = tf.memory().numTensors;
    const model = buildModel(name, cfg);
    const out = tf.tidy(() => model.predict(tf.randomNormal([2, 16, 16, 1])) as tf.Tensor);
    expect(out.shape).toEqual([2, 3]);
    out.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('initialisation from a pretrained tfjs model folder', () => {
  it('copies convolution weights matched by name and shape, sums RGB first-layer kernels, reports the rest', async () => {
    const dir = join(root, 'pretrained-vgg16');
    // A 3-channel VGG16 stands in for a converted ImageNet model (same layer names as Keras').
    const source = buildModel('vgg16', { ...TINY, channels: 3 });
    await saveModelToDir(source, dir);
    const target = buildModel('dcnnbea', TINY);
    const before = tf.memory().numTensors;
    const report = initFromPretrained(target, dir);
    expect(tf.memory().numTensors).toBe(before);

    const first = report.matched.find((m) => m.weight === 'block1_conv1/kernel');
    expect(first?.how).toBe('rgb-summed');
    const expectedFirst = tf.sum(source.getLayer('block1_conv1').getWeights()[0]!, 2, true);
    const gotFirst = target.getLayer('block1_conv1').getWeights()[0]!;
    expect(tf.max(tf.abs(tf.sub(expectedFirst, gotFirst))).dataSync()[0]).toBeLessThan(1e-6);

    const k = target.getLayer('block5_conv3').getWeights()[0]!;
    const ks = source.getLayer('block5_conv3').getWeights()[0]!;
    expect(tf.max(tf.abs(tf.sub(k, ks))).dataSync()[0]).toBe(0);
    // 13 convs x (kernel, bias) + 13 BNs x 4 weights matched.
    expect(report.matched).toHaveLength(13 * 2 + 13 * 4);
    // DCNNBEA's extra pool batch norms have no counterpart in VGG16.
    expect(report.skipped.length).toBe(0);
    expect(report.unused.some((u) => u.startsWith('fc1/'))).toBe(true);
    source.dispose();
    target.dispose();
  });
});
