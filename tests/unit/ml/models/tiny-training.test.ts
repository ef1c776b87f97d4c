/**
 * Every model at tiny size (16x16 input, width 1/16) trains 30 Adam steps on the CPU backend on a
 * learnable synthetic task (helpers.ts) and its training loss at least halves, with relu + softmax and
 * with tafmn + svm (and DCNNBEA with T=3 crop/flip views).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAMES, type ModelConfigInput } from '../../../../src-main/ml/models/registry.ts';
import { trainSteps } from './helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TINY: ModelConfigInput = { inputSize: 16, widthMultiplier: 1 / 16, classes: 3, dropout: 0 };
const VARIANTS: { label: string; cfg: ModelConfigInput }[] = [
  { label: 'relu + softmax', cfg: {} },
  { label: 'tafmn + svm', cfg: { activation: { kind: 'tafmn' }, head: 'svm', svmC: 100 } },
];

const CASES: [string, string, ModelConfigInput][] = [
  ...MODEL_NAMES.flatMap((name) => VARIANTS.map((v): [string, string, ModelConfigInput] => [name, v.label, { ...TINY, ...v.cfg }])),
  ['dcnnbea', 'T=3 crops-flips, tafmn (2nd layer) + svm, 2 LSTM layers', {
    ...TINY,
    seqLength: 3,
    frameViews: 'crops-flips',
    lstmLayers: 2,
    activation: { kind: 'tafmn', m: 2, k: 2, secondLayer: { m: 2, k: 2 } },
    head: 'svm',
  }],
];

describe('tiny models learn a synthetic task in 30 steps', () => {
  it.each(CASES)(
    '%s (%s): loss at least halves',
    (name, _label, cfg) => {
      const before = tf.memory().numTensors;
      const { first, last, losses } = trainSteps(name, cfg, 30);
      expect(losses).toHaveLength(30);
      expect(Number.isFinite(last)).toBe(true);
      expect(last, `losses: ${losses.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThanOrEqual(first / 2);
      expect(tf.memory().numTensors).toBe(before);
    },
    180_000,
  );
});
