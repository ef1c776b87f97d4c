import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Prng, deriveSeed } from '../../../../src-main/ml/train/prng.ts';
import { augmentBatch, affineParams, tenCrops, transformBatch } from '../../../../src-main/ml/train/augment.ts';
import { labelBatch, pixelBatch, toModelInput } from '../../../../src-main/ml/train/batches.ts';
import { classCounts, pixelStats, splitIndices } from '../../../../src-main/ml/train/data-split.ts';
import { augmentationSchema } from '../../../../src-main/ml/train-config.ts';
import { syntheticDataset } from './synthetic.ts';

await tf.setBackend('cpu');

describe('seeded PRNG', () => {
  it('repeats from a seed and from a saved state', () => {
    const a = new Prng(123);
    const first = [a.next(), a.next(), a.next()];
    expect(new Prng(123).next()).toBe(first[0]);
    const b = new Prng(123);
    b.next();
    const saved = b.state;
    const c = new Prng(0);
    c.state = saved;
    expect([c.next(), c.next()]).toEqual(first.slice(1));
    expect(deriveSeed(1, 1)).not.toBe(deriveSeed(1, 2));
  });

  it('shuffles to a permutation, differently per seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s1 = new Prng(1).shuffle(items);
    expect([...s1].sort((x, y) => x - y)).toEqual(items);
    expect(s1).not.toEqual(items);
    expect(new Prng(2).shuffle(items)).not.toEqual(s1);
  });
});

describe('splits and batches', () => {
  const ds = syntheticDataset({ perClassSplit: [6, 2, 2] });

  it('uses the dataset splits, holds out val only when there is none, caps per split', () => {
    const s = splitIndices(ds, { valFraction: 0.25 }, 1);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([18, 6, 6]);
    const noVal = { ...ds, splits: ds.splits.map((v) => (v === 1 ? 0 : v)) };
    const h = splitIndices(noVal, { valFraction: 0.25 }, 1);
    expect(h.val.length).toBe(6);
    expect(h.train.length).toBe(18);
    expect(new Set([...h.train, ...h.val]).size).toBe(24);
    expect(splitIndices(noVal, { valFraction: 0.25 }, 1)).toEqual(h);
    const capped = splitIndices(ds, { valFraction: 0, maxPerSplit: 4 }, 1);
    expect(capped.train).toHaveLength(4);
    expect(classCounts(ds, s.train)).toEqual([6, 6, 6]);
  });

  it('builds normalised batches as tensors without leaking', () => {
    const before = tf.memory().numTensors;
    const x = pixelBatch(ds, [0, 5]);
    expect(x.shape).toEqual([2, 16, 16, 1]);
    const px = x.dataSync();
    expect(px[0]).toBeCloseTo(ds.pixels[0]! / 255, 6);
    expect(Array.from(labelBatch(ds, [0, 20]).dataSync())).toEqual([ds.labels[0], ds.labels[20]]);
    const stats = pixelStats(ds, [0, 1, 2]);
    const std = toModelInput(x, { kind: 'standardize', ...stats }, [8, 8, 3]);
    expect(std.shape).toEqual([2, 8, 8, 3]);
    tf.dispose([x, std]);
    expect(tf.memory().numTensors).toBe(before + 1); // the label tensor above
  });
});

describe('augmentation', () => {
  const off = augmentationSchema.parse({ cropPadding: 0, horizontalFlip: false, rotationDegrees: 0, scale: 0, brightness: 0, contrast: 0 });

  it('the identity transform leaves pixels unchanged', () => {
    const x = tf.randomUniform([2, 8, 8, 1]) as tf.Tensor4D;
    const y = transformBatch(x, tf.tensor2d([affineParams(8, 8, 0, 1, false, 0, 0)], [1, 8]).tile([2, 1]) as tf.Tensor2D);
    expect(tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]).toBeLessThan(1e-6);
    const noop = augmentBatch(x, off, new Prng(1));
    expect(Array.from(noop.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y, noop]);
  });

  it('transforms every image of a batch with its own row (works around the CPU kernel)', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    const flip = affineParams(2, 2, 0, 1, true, 0, 0);
    const id = affineParams(2, 2, 0, 1, false, 0, 0);
    expect(Array.from(transformBatch(x, tf.tensor2d([...id, ...flip], [2, 8])).dataSync())).toEqual([1, 2, 3, 4, 6, 5, 8, 7]);
  });

  it('the flip parameters mirror the image exactly', () => {
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const y = tf.image.transform(x, tf.tensor2d([affineParams(4, 4, 0, 1, true, 0, 0)], [1, 8]));
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.image.flipLeftRight(x).dataSync()));
  });

  it('an integer crop shift moves pixels and zero-fills the border', () => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const y = tf.image.transform(x, tf.tensor2d([affineParams(4, 4, 0, 1, false, 1, 0)], [1, 8]));
    expect((y.reshape([4, 4]).arraySync() as number[][])[0]).toEqual([0, 1, 1, 1]);
  });

  it('is seeded, stays in range and does not leak', () => {
    const cfg = augmentationSchema.parse({});
    const ds = syntheticDataset();
    const x = pixelBatch(ds, [0, 1, 2, 3]);
    const before = tf.memory().numTensors;
    const a = augmentBatch(x, cfg, new Prng(5));
    const b = augmentBatch(x, cfg, new Prng(5));
    const c = augmentBatch(x, cfg, new Prng(6));
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([x, a, b, c]);
  });

  it('ten crops: corners, centre and mirrors', () => {
    const x = tf.randomUniform([3, 10, 10, 1]) as tf.Tensor4D;
    const crops = tenCrops(x);
    expect(crops.shape).toEqual([30, 10, 10, 1]);
    const mirrored = crops.slice([15, 0, 0, 0], [3, 10, 10, 1]);
    const firstFlipped = tf.image.flipLeftRight(crops.slice([0, 0, 0, 0], [3, 10, 10, 1]) as tf.Tensor4D);
    expect(tf.max(tf.abs(tf.sub(mirrored, firstFlipped))).dataSync()[0]).toBeLessThan(1e-6);
  });
});
