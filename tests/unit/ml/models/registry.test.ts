/** Config validation, the registry's errors and inputs, frame views, the SVM objective and the summary. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MODEL_NAMES,
  buildModel,
  describeView,
  imagesToModelInput,
  makeFrameViews,
  makeSvmLoss,
  modelInputShape,
  parseModelConfig,
  scoresToProbabilities,
  squaredHingeLoss,
  svmPenalty,
} from '../../../../src-main/ml/models/registry.ts';
import { ModelConfigError } from '../../../../src-main/ml/models/config.ts';
import { summarizeModel, formatSummary } from '../../../../src-main/ml/models/summary.ts';
import { flagsToConfig } from '../../../../src-main/cli/model-commands.ts';
import { buildProgram } from '../../../../src-main/cli/main.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TINY = { inputSize: 16, widthMultiplier: 1 / 16, classes: 3 };

describe('model config', () => {
  it('fills the documented defaults', () => {
    expect(parseModelConfig({})).toMatchObject({
      inputSize: 48,
      channels: 1,
      classes: 7,
      widthMultiplier: 1,
      activation: { kind: 'relu' },
      head: 'softmax',
      seqLength: 1,
    });
    expect(parseModelConfig({ activation: { kind: 'tafmn' } }).activation).toEqual({ kind: 'tafmn', m: 2, k: 2 });
  });

  it.each([
    [{ activation: { kind: 'tafmn', m: 0 } }, 'activation.m'],
    [{ inputSize: 'big' }, 'inputSize'],
    [{ widthMultiplier: -1 }, 'widthMultiplier'],
    [{ head: 'knn' }, 'head'],
    [{ seqLength: 13, frameViews: 'crops-flips' }, 'seqLength'],
    [{ lstmUnitz: 3 }, 'lstmUnitz'],
  ])('names the bad field in %o', (input, field) => {
    try {
      parseModelConfig(input);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ModelConfigError);
      expect((err as ModelConfigError).fields).toContain(field);
      expect((err as Error).message).toContain(`field "${field}"`);
    }
  });
});

describe('registry', () => {
  it('rejects an unknown model and lists the known ones', () => {
    expect(() => buildModel('vgg17')).toThrow(`unknown model "vgg17"; known models: ${MODEL_NAMES.join(', ')}`);
  });

  it('rejects sequences for single-image models, naming the field', () => {
    expect(() => buildModel('vgg16', { ...TINY, seqLength: 3 })).toThrow(/field "seqLength" must be 1/);
  });

  it('declares the inputs each model takes', () => {
    expect(modelInputShape('vgg16')).toEqual([48, 48, 1]);
    expect(modelInputShape('dcnnbea')).toEqual([48, 48, 1]);
    expect(modelInputShape('dcnnbea', { seqLength: 4 })).toEqual([4, 48, 48, 1]);
    const m = buildModel('dcnnbea', { ...TINY, seqLength: 4 });
    expect(m.inputs[0]!.shape).toEqual([null, 4, 16, 16, 1]);
    m.dispose();
  });
});

describe('frame views', () => {
  it('makes the documented crops-flips views', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const images = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
      const views = makeFrameViews(images, 4, 'crops-flips');
      expect(views.shape).toEqual([2, 4, 16, 16, 1]);
      const view = (i: number) => tf.squeeze(tf.slice(views, [0, i], [-1, 1]), [1]);
      const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
      expect(maxDiff(view(0), images)).toBe(0);
      expect(maxDiff(view(1), tf.image.flipLeftRight(images))).toBe(0);
      // Centre crop: 14x14 of 16x16 at offset 1, resized back; its mirror is the mirrored crop.
      const crop = tf.image.cropAndResize(images, [[1 / 16, 1 / 16, 15 / 16, 15 / 16], [1 / 16, 1 / 16, 15 / 16, 15 / 16]], [0, 1], [16, 16]);
      expect(maxDiff(view(2), crop)).toBeLessThan(1e-6);
      expect(maxDiff(view(3), tf.image.flipLeftRight(crop))).toBeLessThan(1e-6);
      expect(maxDiff(view(2), images)).toBeGreaterThan(0.01);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(describeView(3, 'crops-flips')).toBe('centre crop, mirrored');
    expect(describeView(1, 'crops-flips')).toBe('image, mirrored');
  });

  it('repeats the image in repeat mode and refuses too many crop views', () => {
    tf.tidy(() => {
      const images = tf.randomUniform([1, 8, 8, 1]) as tf.Tensor4D;
      const views = makeFrameViews(images, 3, 'repeat');
      expect(tf.max(tf.abs(tf.sub(views, tf.stack([images, images, images], 1)))).dataSync()[0]).toBe(0);
      expect(() => makeFrameViews(images, 13, 'crops-flips')).toThrow(/at most 12 views/);
    });
  });

  it('feeds still images to DCNNBEA with T > 1 and passes them through otherwise', () => {
    tf.tidy(() => {
      const images = tf.zeros([2, 16, 16, 1]) as tf.Tensor4D;
      expect(imagesToModelInput('dcnnbea', { ...TINY, seqLength: 3 }, images).shape).toEqual([2, 3, 16, 16, 1]);
      expect(imagesToModelInput('vgg16', TINY, images)).toBe(images);
    });
  });
});

describe('SVM head', () => {
  it('computes the one-vs-rest squared hinge by hand', () => {
    tf.tidy(() => {
      const y = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
      const s = tf.tensor2d([[2, -0.5, 0.5], [0, 1, 0.2]]);
      // Row 1: max(0,1-2)^2 + max(0,1-0.5)^2 + max(0,1+0.5)^2 = 0 + 0.25 + 2.25 = 2.5
      // Row 2: (1+0)^2 + (1+1)^2 + (1-0.2)^2 = 1 + 4 + 0.64 = 5.64
      expect(squaredHingeLoss(y, s).dataSync()[0]).toBeCloseTo((2.5 + 5.64) / 2, 5);
      expect(svmPenalty(tf.tensor2d([[1, 2], [3, 4]]), 10).dataSync()[0]).toBeCloseTo(30 / 20, 6);
    });
  });

  it('differentiates the weight penalty through makeSvmLoss', () => {
    const model = buildModel('resnet18', { ...TINY, head: 'svm', svmC: 0.5 });
    const kernel = model.getLayer('head').weights[0]!;
    const loss = makeSvmLoss(model, 0.5);
    tf.tidy(() => {
      // Scores that satisfy every margin: the hinge is zero, so the gradient is the penalty's W / C.
      const y = tf.tensor2d([[1, 0, 0]]);
      const scores = tf.tensor2d([[5, -5, -5]]);
      const { grads } = tf.variableGrads(() => loss(y, scores), [kernel.read() as tf.Variable]);
      const g = grads[(kernel.read() as tf.Variable).name]!;
      const expected = tf.div(kernel.read(), 0.5);
      expect(tf.max(tf.abs(tf.sub(g, expected))).dataSync()[0]).toBeLessThan(1e-5);
    });
    model.dispose();
  });

  it('turns scores into a probability-like vector: (s+1)/2 clipped, normalised', () => {
    tf.tidy(() => {
      const p = scoresToProbabilities(tf.tensor2d([[0.6, -0.2, -3], [-2, -2, -2]]));
      const rows = p.arraySync() as number[][];
      const q = [0.8, 0.4, 0].map((v) => v + 1e-6);
      const sum = q.reduce((a, b) => a + b, 0);
      rows[0]!.forEach((v, i) => expect(v).toBeCloseTo(q[i]! / sum, 5));
      rows[1]!.forEach((v) => expect(v).toBeCloseTo(1 / 3, 5));
      rows.forEach((r) => expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    });
  });
});

describe('summary (MACs) and the model commands', () => {
  it('counts convolution and dense multiply-adds, and T times the per-frame layers', () => {
    const single = buildModel('dcnnbea', { ...TINY, activation: { kind: 'tafmn' } });
    const seq = buildModel('dcnnbea', { ...TINY, seqLength: 3, activation: { kind: 'tafmn' } });
    const a = summarizeModel(single);
    const b = summarizeModel(seq);
    const conv11 = a.layers.find((l) => l.name === 'block1_conv1')!;
    // 16x16 output, 3x3 kernel, 1 input channel, 4 filters.
    expect(conv11.macs).toBe(16 * 16 * 9 * 1 * 4);
    const act = a.layers.find((l) => l.name === 'block1_conv1_act')!;
    expect(act.macs).toBe(16 * 16 * 4 * (2 * 2 + 2));
    const perFrame = (s: typeof a, n: string) => s.layers.find((l) => l.name === n)!.macs;
    expect(perFrame(b, 'block3_conv2')).toBe(3 * perFrame(a, 'block3_conv2'));
    const lstmA = perFrame(a, 'lstm1');
    expect(lstmA).toBe(4 * (32 + 16) * 16);
    expect(perFrame(b, 'lstm1')).toBe(3 * lstmA);
    expect(a.totalMacs).toBe(a.layers.reduce((s, l) => s + l.macs, 0));
    expect(a.totalParams).toBe(single.countParams());
    const text = formatSummary(a);
    expect(text).toContain('block1_conv1');
    expect(text).toMatch(/MACs per sample: +[\d,]+/);
    single.dispose();
    seq.dispose();
  });

  it('maps CLI flags onto the config', () => {
    expect(flagsToConfig({ width: 0.5, activation: 'tafmn', tafmnSecond: '2x3', head: 'svm', seqLength: 2 })).toMatchObject({
      widthMultiplier: 0.5,
      activation: { kind: 'tafmn', m: 2, k: 2, secondLayer: { m: 2, k: 3 } },
      head: 'svm',
      seqLength: 2,
    });
    expect(() => flagsToConfig({ activation: 'relu', tafmnM: 3 })).toThrow(/need --activation tafmn/);
  });

  it('`model summary` prints layers and totals; `model list` lists every model', async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      out.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await buildProgram().parseAsync(['node', 'fer-lab', 'model', 'list']);
      await buildProgram().parseAsync(['node', 'fer-lab', 'model', 'summary', 'vgg-fer', '--input-size', '16', '--width', '1/16', '--head', 'svm']);
    } finally {
      process.stdout.write = write;
    }
    const text = out.join('');
    for (const name of MODEL_NAMES) expect(text).toContain(name);
    expect(text).toContain('block4_conv2');
    expect(text).toMatch(/total params: +[\d,]+/);
    expect(text).toMatch(/MACs per sample/);
  });
});
