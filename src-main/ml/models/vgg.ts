/**
 * VGG16 / VGG19 baselines (with their three fully connected layers) and `vgg-fer`, the strong recipe.
 *
 * Adaptation to 48x48: the convolution stacks are unchanged (3x3, stride 1, same padding, 2x2/2 max
 * pooling after each block). Pooling uses 'same' padding (ceil), so five poolings take
 * 48 -> 24 -> 12 -> 6 -> 3 -> 2 and the first FC layer sees 2x2x512 instead of 7x7x512 (valid pooling
 * would leave 1x1 at 48 and nothing at all for the 16x16 inputs the tests use). A batch norm follows every convolution (the source paper trains with batch norm) and the
 * convolutions keep their biases so the conv parameter counts equal the classic VGG counts.
 * Layer names follow Keras' applications (block1_conv1, ...) so converted ImageNet weights match by name.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.ts';
import { apply, classifierHead, convBnAct, denseAct, imageInput, width, type Sym } from './blocks.ts';

export const VGG16_BLOCKS: readonly number[][] = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
export const VGG19_BLOCKS: readonly number[][] = [
  [64, 64],
  [128, 128],
  [256, 256, 256, 256],
  [512, 512, 512, 512],
  [512, 512, 512, 512],
];
/** vgg-fer: four stages of two 3x3 convolutions (Khaireddin & Chen 2021 style). */
export const VGG_FER_BLOCKS: readonly number[][] = [[64, 64], [128, 128], [256, 256], [512, 512]];

export interface ConvStackOptions {
  /** Batch norm after each pooling layer too (DCNNBEA, or any model with cfg.bnAfterPool). */
  bnAfterPool?: boolean;
}

/** Blocks of conv+BN+act, each closed by 2x2/2 max pooling. */
export function vggConvStack(x: Sym, cfg: ModelConfig, blocks: readonly number[][], opts: ConvStackOptions = {}): Sym {
  let y = x;
  blocks.forEach((filters, b) => {
    filters.forEach((f, i) => {
      y = convBnAct(y, cfg, `block${b + 1}_conv${i + 1}`, { filters: width(cfg, f), kernel: 3 });
    });
    y = apply(tf.layers.maxPooling2d({ name: `block${b + 1}_pool`, poolSize: 2, strides: 2, padding: 'same' }), y);
    if (opts.bnAfterPool) y = apply(tf.layers.batchNormalization({ name: `block${b + 1}_pool_bn` }), y);
  });
  return y;
}

function vggClassifier(name: string, blocks: readonly number[][], fc: number) {
  return (cfg: ModelConfig): tf.LayersModel => {
    const input = imageInput(cfg);
    let y = vggConvStack(input, cfg, blocks, { bnAfterPool: cfg.bnAfterPool });
    y = apply(tf.layers.flatten({ name: 'flatten' }), y);
    y = denseAct(y, cfg, 'fc1', width(cfg, fc));
    y = denseAct(y, cfg, 'fc2', width(cfg, fc));
    return tf.model({ inputs: input, outputs: classifierHead(y, cfg), name });
  };
}

export const buildVgg16 = vggClassifier('vgg16', VGG16_BLOCKS, 4096);
export const buildVgg19 = vggClassifier('vgg19', VGG19_BLOCKS, 4096);
/** 48 -> 3 after four poolings; flatten 3x3x512 = 4608 -> 4096 -> 4096 -> classes. */
export const buildVggFer = vggClassifier('vgg-fer', VGG_FER_BLOCKS, 4096);
