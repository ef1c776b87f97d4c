import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TfjsModelClassifier, parseModelMeta } from '../../../src-renderer/src/webcam/tfjs-model-classifier.ts';
import { EXPRESSIONS } from '../../../src-renderer/src/webcam/expressions.ts';

const ALPHA = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'];

/** A model whose output is fixed logits (zero kernel, chosen bias), so the expected result is known. */
function fixedModel(inputShape: number[], logits: number[]): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape }));
  m.add(tf.layers.dense({ units: logits.length, activation: 'softmax', kernelInitializer: 'zeros', biasInitializer: tf.initializers.constant({ value: 0 }) }));
  const dense = m.layers[1];
  dense?.setWeights([tf.zeros([inputShape.reduce((a, b) => a * b, 1), logits.length]), tf.tensor1d(logits)]);
  return m;
}

describe('TfjsModelClassifier', () => {
  it('reads crop size from the input shape and maps the model class order onto FER order', async () => {
    const logits = ALPHA.map((c) => (c === 'neutral' ? 3 : 0));
    const clf = new TfjsModelClassifier(fixedModel([8, 8, 1], logits), 'tiny', { classNames: ALPHA, normalization: { kind: 'scale', mean: 0, std: 1 }, head: 'softmax' });
    expect(clf.cropSize).toBe(8);
    expect(clf.sequenceLength).toBe(1);
    const before = tf.memory().numTensors;
    const [p] = await clf.classify([[new Uint8Array(64).fill(128)]]);
    expect(tf.memory().numTensors).toBe(before);
    expect(p).toHaveLength(7);
    expect(EXPRESSIONS[p?.indexOf(Math.max(...(p ?? []))) ?? -1]).toBe('neutral');
    expect(p?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    clf.dispose();
  });

  it('recognises sequence inputs [T, S, S, 1] and checks frame counts', async () => {
    const clf = new TfjsModelClassifier(fixedModel([3, 8, 8, 1], EXPRESSIONS.map(() => 0)), 'seq');
    expect(clf.sequenceLength).toBe(3);
    const crop = new Uint8Array(64);
    expect((await clf.classify([[crop, crop, crop]]))[0]?.[0]).toBeCloseTo(1 / 7, 5);
    await expect(clf.classify([[crop]])).rejects.toThrow(/expected 3 frames/);
    clf.dispose();
  });

  it('rejects models that do not fit: colour input, wrong class count, unknown class names', () => {
    expect(() => new TfjsModelClassifier(fixedModel([8, 8, 3], EXPRESSIONS.map(() => 0)), 'rgb')).toThrow(/grayscale input/);
    expect(() => new TfjsModelClassifier(fixedModel([8, 8, 1], [0, 0]), 'two')).toThrow(/2 classes, expected 7/);
    const meta = { classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], normalization: { kind: 'scale' as const, mean: 0, std: 1 }, head: 'softmax' as const };
    expect(() => new TfjsModelClassifier(fixedModel([8, 8, 1], EXPRESSIONS.map(() => 0)), 'odd', meta)).toThrow(/unknown expression class 'a'/);
  });
});

describe('parseModelMeta', () => {
  it('accepts fer-lab-model.json and names the bad field otherwise', () => {
    const good = { format: 'fer-lab-model', classNames: ALPHA, normalization: { kind: 'standardize', mean: 0.5, std: 0.25 }, head: 'svm' };
    expect(parseModelMeta(JSON.stringify(good))).toEqual({ classNames: ALPHA, normalization: good.normalization, head: 'svm' });
    expect(() => parseModelMeta('{')).toThrow(/not valid JSON/);
    expect(() => parseModelMeta(JSON.stringify({ ...good, head: 'x' }))).toThrow(/"head"/);
    expect(() => parseModelMeta(JSON.stringify({ ...good, normalization: { kind: 'scale', mean: 0, std: 0 } }))).toThrow(/"normalization"/);
    expect(() => parseModelMeta(JSON.stringify({ ...good, format: 'other' }))).toThrow(/"format"/);
  });
});
