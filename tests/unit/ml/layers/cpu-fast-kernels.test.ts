import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyTfjsFixes } from '../../../../src-main/ml/layers/index.ts';
import { originalBinaryKernel, originalConv2DBackpropFilter } from '../../../../src-main/ml/layers/cpu-fast-kernels.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  applyTfjsFixes();
});

const CASES: { x: [number, number, number, number]; f: [number, number, number, number]; strides: number; pad: 'same' | 'valid' }[] = [
  { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 8, 2], f: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [1, 8, 8, 4], f: [1, 1, 4, 6], strides: 2, pad: 'valid' },
  { x: [2, 11, 11, 1], f: [5, 5, 1, 3], strides: 1, pad: 'valid' },
];

describe('fast CPU Conv2DBackpropFilter', () => {
  it('is installed, with the original kept', () => {
    expect(originalConv2DBackpropFilter()).not.toBeNull();
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).not.toBe(originalConv2DBackpropFilter());
  });

  it.each(CASES)('matches tfjs’ own kernel and the gradient of conv2d (%o)', ({ x: xs, f: fs, strides, pad }) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal(xs, 0, 1, 'float32', 3) as tf.Tensor4D;
      const w = tf.randomNormal(fs, 0, 1, 'float32', 4) as tf.Tensor4D;
      const y = tf.conv2d(x, w, strides, pad);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 5);
      // Through the public gradient (which now runs the fast kernel)...
      const viaGrad = tf.grad((wt: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, wt as tf.Tensor4D, strides, pad), dy)))(w);
      // ...against the original kernel run directly on the same inputs.
      const orig = originalConv2DBackpropFilter()!;
      const backend = tf.backend();
      const info = orig({
        inputs: { x, dy },
        backend,
        attrs: { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: fs } as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      const reference = tf.engine().makeTensorFromTensorInfo(info);
      const diff = tf.max(tf.abs(tf.sub(viaGrad, reference))).dataSync()[0] as number;
      expect(diff).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(reference)).dataSync()[0]).toBeGreaterThan(0.1);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fast CPU broadcasting binary ops', () => {
  const SHAPES: [number[], number[]][] = [
    [[2, 5, 5, 3], [1, 1, 1, 3]],
    [[1, 1, 1, 3], [2, 5, 5, 3]],
    [[2, 5, 5, 3], [3]],
    [[4, 6], [4, 6]],
    [[2, 3, 4], [1, 3, 4]],
    [[2, 3, 4], [2, 1, 4]], // not a trailing broadcast: goes to the original kernel
    [[3], [2, 3]],
  ];
  it.each(['Multiply', 'Add', 'Sub', 'RealDiv'])('%s matches the original kernel on every broadcast form', (name) => {
    const before = tf.memory().numTensors;
    const orig = originalBinaryKernel(name)!;
    expect(orig).toBeDefined();
    for (const [sa, sb] of SHAPES) {
      tf.tidy(() => {
        const a = tf.randomUniform(sa, 0.5, 2, 'float32', 1);
        const b = tf.randomUniform(sb, 0.5, 2, 'float32', 2);
        const ops: Record<string, (x: tf.Tensor, y: tf.Tensor) => tf.Tensor> = { Multiply: tf.mul, Add: tf.add, Sub: tf.sub, RealDiv: tf.div };
        const fast = ops[name]!(a, b);
        const info = orig({ inputs: { a, b }, backend: tf.backend(), attrs: {} }) as tf.TensorInfo;
        const reference = tf.engine().makeTensorFromTensorInfo(info);
        expect(fast.shape).toEqual(reference.shape);
        expect(tf.max(tf.abs(tf.sub(fast, reference))).dataSync()[0]).toBe(0);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
