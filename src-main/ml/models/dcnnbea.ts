/**
 * DCNNBEA (the source paper's network): VGG16's 13 convolutions without its fully connected layers,
 * batch norm after every convolution and every pooling layer, an average-sampling layer (global average
 * of each frame's feature map -> one vector per frame), LSTM layer(s) over the T frame vectors, and the
 * classification head (an SVM head in the paper; softmax is also accepted).
 *
 * Inputs: T = 1 -> [batch, H, W, C] (the frame axis is added after the CNN); T > 1 -> [batch, T, H, W, C],
 * folded into the batch for the CNN (FoldTime) and unfolded before the LSTM (UnfoldTime).
 * For still images use frame-views.ts to make the T views.
 */
import * as tf from '@tensorflow/tfjs';
import { FoldTime, UnfoldTime } from '../layers/time-fold.ts';
import type { ModelConfig } from './config.ts';
import { apply, classifierHead, width, type Sym } from './blocks.ts';
import { VGG16_BLOCKS, vggConvStack } from './vgg.ts';

export function buildDcnnbea(cfg: ModelConfig): tf.LayersModel {
  const T = cfg.seqLength;
  const frame = [cfg.inputSize, cfg.inputSize, cfg.channels];
  const input = tf.input({ shape: T === 1 ? frame : [T, ...frame], name: T === 1 ? 'image' : 'frames' });
  let y: Sym = T === 1 ? input : apply(new FoldTime({ name: 'fold_time' }), input);
  y = vggConvStack(y, cfg, VGG16_BLOCKS, { bnAfterPool: true });
  y = apply(tf.layers.globalAveragePooling2d({ name: 'average_sampling' }), y);
  const features = y.shape[y.shape.length - 1] as number;
  y =
    T === 1
      ? apply(tf.layers.reshape({ name: 'as_sequence', targetShape: [1, features] }), y)
      : apply(new UnfoldTime({ name: 'unfold_time', steps: T }), y);
  const units = width(cfg, cfg.lstmUnits);
  for (let i = 0; i < cfg.lstmLayers; i++) {
    const last = i === cfg.lstmLayers - 1;
    // Glorot rather than tfjs' default orthogonal recurrent init: tfjs builds the orthogonal matrix with
    // Gram-Schmidt in tensor ops, which takes about two minutes for 256 units on the CPU backend.
    y = apply(
      tf.layers.lstm({ name: `lstm${i + 1}`, units, returnSequences: !last, recurrentInitializer: 'glorotUniform' }),
      y,
    );
  }
  if (cfg.dropout > 0) y = apply(tf.layers.dropout({ name: 'head_dropout', rate: cfg.dropout }), y);
  return tf.model({ inputs: input, outputs: classifierHead(y, cfg), name: 'dcnnbea' });
}
