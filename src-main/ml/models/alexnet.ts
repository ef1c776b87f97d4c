/**
 * AlexNet baseline adapted to 48x48.
 *
 * The ImageNet stem (11x11 stride 4, for 224x224) would shrink 48x48 to 11x11 at once, so the first
 * convolution is 5x5 stride 1 instead. The rest keeps AlexNet's layout: conv 96 -> pool, conv 256 5x5 ->
 * pool, conv 384, 384, 256 (3x3) -> pool (all pools 3x3 stride 2, valid: 48 -> 23 -> 11 -> 5), then
 * FC 4096, FC 4096 with dropout, then the head. Batch norm replaces local response normalisation.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.ts';
import { apply, classifierHead, convBnAct, denseAct, imageInput, width, type Sym } from './blocks.ts';

export function buildAlexnet(cfg: ModelConfig): tf.LayersModel {
  const input = imageInput(cfg);
  const pool = (y: Sym, name: string): Sym => {
    const pooled = apply(tf.layers.maxPooling2d({ name, poolSize: 3, strides: 2, padding: 'valid' }), y);
    return cfg.bnAfterPool ? apply(tf.layers.batchNormalization({ name: `${name}_bn` }), pooled) : pooled;
  };
  let y = convBnAct(input, cfg, 'conv1', { filters: width(cfg, 96), kernel: 5 });
  y = pool(y, 'pool1');
  y = convBnAct(y, cfg, 'conv2', { filters: width(cfg, 256), kernel: 5 });
  y = pool(y, 'pool2');
  y = convBnAct(y, cfg, 'conv3', { filters: width(cfg, 384), kernel: 3 });
  y = convBnAct(y, cfg, 'conv4', { filters: width(cfg, 384), kernel: 3 });
  y = convBnAct(y, cfg, 'conv5', { filters: width(cfg, 256), kernel: 3 });
  y = pool(y, 'pool5');
  y = apply(tf.layers.flatten({ name: 'flatten' }), y);
  y = denseAct(y, cfg, 'fc6', width(cfg, 4096));
  y = denseAct(y, cfg, 'fc7', width(cfg, 4096));
  return tf.model({ inputs: input, outputs: classifierHead(y, cfg), name: 'alexnet' });
}
