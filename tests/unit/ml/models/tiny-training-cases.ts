/**
 * Shared body of the tiny-training tests: every model at tiny size (16x16 input, width 1/16) trains 30
 * Adam steps on the CPU backend on a learnable synthetic task (helpers.ts) and its training loss at
 * least halves, with relu + softmax and with tafmn + svm. Split across two files so vitest's two
 * workers share the slow deep ResNets.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfigInput } from '../../../../src-main/ml/models/registry.ts';
import { trainSteps } from './helpers.ts';

export const TINY: ModelConfigInput = { inputSize: 16, widthMultiplier: 1 / 16, classes: 3, dropout: 0 };
export const DEEP_RESNETS = ['resnet50', 'resnet101', 'resnet152'];

const VARIANTS: { label: string; cfg: ModelConfigInput }[] = [
  { label: 'relu + softmax', cfg: {} },
  { label: 'tafmn + svm', cfg: { activation: { kind: 'tafmn' }, head: 'svm', svmC: 100 } },
];

export function describeTinyTraining(names: readonly string[], extra: [string, string, ModelConfigInput][] = []): void {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const cases: [string, string, ModelConfigInput][] = [
    ...names.flatMap((name) => VARIANTS.map((v): [string, string, ModelConfigInput] => [name, v.label, { ...TINY, ...v.cfg }])),
    ...extra,
  ];
  describe('tiny models learn a synthetic task in 30 steps', () => {
    it.each(cases)(
      '%s (%s): loss at least halves',
      (name, _label, cfg) => {
        const before = tf.memory().numTensors;
        const { first, last, losses } = trainSteps(name, cfg, 30);
        expect(losses).toHaveLength(30);
        expect(Number.isFinite(last)).toBe(true);
        expect(last, `losses: ${losses.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThanOrEqual(first / 2);
        expect(tf.memory().numTensors).toBe(before);
      },
      300_000,
    );
  });
}
