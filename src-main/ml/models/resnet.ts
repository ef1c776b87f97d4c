/**
 * ResNet-18/34 (basic blocks) and ResNet-50/101/152 (bottleneck blocks), adapted to 48x48.
 *
 * Adaptation: the ImageNet stem (7x7 stride 2 conv + 3x3 stride 2 max pool, /4) is replaced by a single
 * 3x3 stride-1 convolution with no pooling, as is usual for small images (CIFAR-style), so the four
 * stages run at 48, 24, 12 and 6 pixels; global average pooling then feeds the head. Shortcuts are
 * identity when shapes match, else a 1x1 convolution (with the stage's stride) + batch norm
 * (ResNet "option B"). Convolutions have no bias because a batch norm follows each one.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.ts';
import { activation, apply, classifierHead, convBnAct, imageInput, width, type Sym } from './blocks.ts';

export type ResnetDepth = 18 | 34 | 50 | 101 | 152;

export const RESNET_LAYOUT: Record<ResnetDepth, { bottleneck: boolean; blocks: [number, number, number, number] }> = {
  18: { bottleneck: false, blocks: [2, 2, 2, 2] },
  34: { bottleneck: false, blocks: [3, 4, 6, 3] },
  50: { bottleneck: true, blocks: [3, 4, 6, 3] },
  101: { bottleneck: true, blocks: [3, 4, 23, 3] },
  152: { bottleneck: true, blocks: [3, 8, 36, 3] },
};

export const RESNET_STAGE_WIDTHS = [64, 128, 256, 512] as const;
export const BOTTLENECK_EXPANSION = 4;

function residualBlock(x: Sym, cfg: ModelConfig, name: string, planes: number, stride: number, bottleneck: boolean): Sym {
  const inChannels = x.shape[x.shape.length - 1] as number;
  const outChannels = bottleneck ? planes * BOTTLENECK_EXPANSION : planes;
  let y: Sym;
  if (bottleneck) {
    y = convBnAct(x, cfg, `${name}_conv1`, { filters: planes, kernel: 1, useBias: false });
    y = convBnAct(y, cfg, `${name}_conv2`, { filters: planes, kernel: 3, strides: stride, useBias: false });
    y = convBnAct(y, cfg, `${name}_conv3`, { filters: outChannels, kernel: 1, useBias: false }, false);
  } else {
    y = convBnAct(x, cfg, `${name}_conv1`, { filters: planes, kernel: 3, strides: stride, useBias: false });
    y = convBnAct(y, cfg, `${name}_conv2`, { filters: planes, kernel: 3, useBias: false }, false);
  }
  const shortcut =
    stride !== 1 || inChannels !== outChannels
      ? convBnAct(x, cfg, `${name}_proj`, { filters: outChannels, kernel: 1, strides: stride, useBias: false }, false)
      : x;
  const sum = apply(tf.layers.add({ name: `${name}_add` }), [y, shortcut] as unknown as Sym);
  return apply(activation(cfg.activation, `${name}_out`), sum);
}

export function buildResnet(depth: ResnetDepth) {
  return (cfg: ModelConfig): tf.LayersModel => {
    const { bottleneck, blocks } = RESNET_LAYOUT[depth];
    const input = imageInput(cfg);
    let y = convBnAct(input, cfg, 'stem_conv', { filters: width(cfg, 64), kernel: 3, useBias: false });
    blocks.forEach((count, stage) => {
      const planes = width(cfg, RESNET_STAGE_WIDTHS[stage] as number);
      for (let i = 0; i < count; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        y = residualBlock(y, cfg, `stage${stage + 1}_block${i + 1}`, planes, stride, bottleneck);
      }
    });
    y = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), y);
    if (cfg.bnAfterPool) y = apply(tf.layers.batchNormalization({ name: 'avg_pool_bn' }), y);
    if (cfg.dropout > 0) y = apply(tf.layers.dropout({ name: 'head_dropout', rate: cfg.dropout }), y);
    return tf.model({ inputs: input, outputs: classifierHead(y, cfg), name: `resnet${depth}` });
  };
}
