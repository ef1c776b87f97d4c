/**
 * Every model built at full size (48x48x1, width 1, 7 classes, relu, softmax) has exactly the parameter
 * count of an independent formula written here. Built one at a time and disposed: full-size models are
 * large on the CPU backend. countParams() includes batch-norm moving statistics (4 numbers per channel);
 * the trainable count (2 per channel) is checked against published torchvision counts for ResNets.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, MODEL_NAMES } from '../../../../src-main/ml/models/registry.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const K = 7;
const conv = (k: number, cin: number, cout: number, bias: boolean): number => k * k * cin * cout + (bias ? cout : 0);
const dense = (i: number, o: number): number => i * o + o;
const bnAll = (c: number): number => 4 * c;
const bnTrainable = (c: number): number => 2 * c;

interface Count {
  total: number;
  trainable: number;
}

function vggConvs(blocks: number[][]): { convs: number; bnChannels: number; last: number } {
  let cin = 1;
  let convs = 0;
  let bnChannels = 0;
  for (const block of blocks) {
    for (const f of block) {
      convs += conv(3, cin, f, true);
      bnChannels += f;
      cin = f;
    }
  }
  return { convs, bnChannels, last: cin };
}

const VGG16 = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
const VGG19 = [[64, 64], [128, 128], [256, 256, 256, 256], [512, 512, 512, 512], [512, 512, 512, 512]];

function vggWithFc(blocks: number[][], finalSpatial: number): Count {
  const { convs, bnChannels, last } = vggConvs(blocks);
  const fc = dense(finalSpatial * finalSpatial * last, 4096) + dense(4096, 4096) + dense(4096, K);
  return { total: convs + bnAll(bnChannels) + fc, trainable: convs + bnTrainable(bnChannels) + fc };
}

function dcnnbea(): Count {
  const { convs, bnChannels, last } = vggConvs(VGG16);
  const poolBn = 64 + 128 + 256 + 512 + 512;
  const units = 256;
  const lstm = 4 * (last * units + units * units + units);
  const head = dense(units, K);
  return {
    total: convs + bnAll(bnChannels + poolBn) + lstm + head,
    trainable: convs + bnTrainable(bnChannels + poolBn) + lstm + head,
  };
}

function alexnet(): Count {
  const convs = conv(5, 1, 96, true) + conv(5, 96, 256, true) + conv(3, 256, 384, true) + conv(3, 384, 384, true) + conv(3, 384, 256, true);
  const bnChannels = 96 + 256 + 384 + 384 + 256;
  // 48 -> 23 -> 11 -> 5 with 3x3 stride-2 valid pooling.
  const fc = dense(5 * 5 * 256, 4096) + dense(4096, 4096) + dense(4096, K);
  return { total: convs + bnAll(bnChannels) + fc, trainable: convs + bnTrainable(bnChannels) + fc };
}

function resnet(blocks: number[], bottleneck: boolean): Count {
  let convs = conv(3, 1, 64, false);
  let bnChannels = 64;
  let cin = 64;
  [64, 128, 256, 512].forEach((planes, stage) => {
    for (let i = 0; i < (blocks[stage] as number); i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const out = bottleneck ? 4 * planes : planes;
      if (bottleneck) {
        convs += conv(1, cin, planes, false) + conv(3, planes, planes, false) + conv(1, planes, out, false);
        bnChannels += planes + planes + out;
      } else {
        convs += conv(3, cin, planes, false) + conv(3, planes, planes, false);
        bnChannels += 2 * planes;
      }
      if (stride !== 1 || cin !== out) {
        convs += conv(1, cin, out, false);
        bnChannels += out;
      }
      cin = out;
    }
  });
  const head = dense(cin, K);
  return { total: convs + bnAll(bnChannels) + head, trainable: convs + bnTrainable(bnChannels) + head };
}

const EXPECTED: Record<(typeof MODEL_NAMES)[number], () => Count> = {
  dcnnbea,
  alexnet,
  // Same-padded pooling: 48 -> 24 -> 12 -> 6 -> 3 -> 2.
  vgg16: () => vggWithFc(VGG16, 2),
  vgg19: () => vggWithFc(VGG19, 2),
  // Four poolings: 48 -> 3.
  'vgg-fer': () => vggWithFc([[64, 64], [128, 128], [256, 256], [512, 512]], 3),
  resnet18: () => resnet([2, 2, 2, 2], false),
  resnet34: () => resnet([3, 4, 6, 3], false),
  resnet50: () => resnet([3, 4, 6, 3], true),
  resnet101: () => resnet([3, 4, 23, 3], true),
  resnet152: () => resnet([3, 8, 36, 3], true),
};

/**
 * torchvision's published parameter counts (3-channel 7x7 stem, 1000 classes, BN gamma/beta only),
 * converted: minus the 7x7x3x64 stem (9408), plus our 3x3x1x64 stem (576), minus the 1000-way FC,
 * plus a 7-way FC.
 */
const TORCHVISION_RESNET: Partial<Record<(typeof MODEL_NAMES)[number], { published: number; features: number }>> = {
  resnet18: { published: 11_689_512, features: 512 },
  resnet34: { published: 21_797_672, features: 512 },
  resnet50: { published: 25_557_032, features: 2048 },
  resnet101: { published: 44_549_160, features: 2048 },
  resnet152: { published: 60_192_808, features: 2048 },
};

function sizeOf(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

describe('full-size parameter counts (48x48x1, width 1, 7 classes)', () => {
  it.each([...MODEL_NAMES])(
    '%s matches its independent formula',
    (name) => {
      const before = tf.memory().numTensors;
      const model = buildModel(name);
      const expected = EXPECTED[name]();
      expect(model.countParams()).toBe(expected.total);
      expect(sizeOf(model.trainableWeights)).toBe(expected.trainable);
      const tv = TORCHVISION_RESNET[name];
      if (tv) {
        const converted = tv.published - 7 * 7 * 3 * 64 + 3 * 3 * 1 * 64 - dense(tv.features, 1000) + dense(tv.features, K);
        expect(sizeOf(model.trainableWeights)).toBe(converted);
      }
      if (name === 'vgg16' || name === 'dcnnbea' || name === 'vgg19') {
        // The 13 (16) VGG convolutions on one input channel, weights and biases, batch norm apart.
        const convParams = model.layers
          .filter((l) => /^block\d_conv\d$/.test(l.name))
          .reduce((sum, l) => sum + l.countParams(), 0);
        expect(convParams).toBe(name === 'vgg19' ? 20_023_232 : 14_713_536);
      }
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
    60_000,
  );
});

describe('bnAfterPool (the paper trains every network with batch norm after each pooling layer)', () => {
  const w = 1 / 16;
  const widthOf = (c: number): number => Math.max(1, Math.round(c * w));
  // Channels leaving each pooling layer, so the extra batch norms add 4 numbers per channel each.
  const pooled: Record<string, number[]> = {
    alexnet: [96, 256, 256],
    vgg16: [64, 128, 256, 512, 512],
    vgg19: [64, 128, 256, 512, 512],
    'vgg-fer': [64, 128, 256, 512],
    resnet18: [512],
    resnet50: [2048],
  };
  it.each(Object.keys(pooled))('%s gains one batch norm per pooling layer', (name) => {
    const before = tf.memory().numTensors;
    const cfg = { inputSize: 16, widthMultiplier: w };
    const plain = buildModel(name, cfg);
    const withBn = buildModel(name, { ...cfg, bnAfterPool: true });
    const channels = name === 'resnet50' ? [4 * widthOf(512)] : pooled[name]!.map(widthOf);
    expect(withBn.countParams() - plain.countParams()).toBe(channels.reduce((s, c) => s + bnAll(c), 0));
    expect(withBn.layers.filter((l) => /pool.*_bn$/.test(l.name))).toHaveLength(channels.length);
    plain.dispose();
    withBn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
