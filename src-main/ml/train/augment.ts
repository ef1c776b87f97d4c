/**
 * Training-time augmentation as tensor ops on the backend's device. Every random number comes from
 * the run's seeded PRNG (a handful per sample, not per pixel), so a resumed run augments exactly as the
 * uninterrupted one. All geometric changes (random crop with zero padding, flip, rotation, scale,
 * shift) are folded into one projective transform per sample and applied by a single
 * tf.image.transform call; brightness and contrast are per-sample affine maps.
 */
import * as tf from '@tensorflow/tfjs';
import type { AugmentationConfig } from '../train-config.ts';
import type { Prng } from './prng.ts';

/**
 * The 8-parameter inverse map of tf.image.transform (output pixel -> input pixel) for:
 * out = c + t + s * R(theta) * F * (in - c), F flipping x when `flip`.
 */
export function affineParams(h: number, w: number, theta: number, s: number, flip: boolean, tx: number, ty: number): number[] {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const f = flip ? -1 : 1;
  const cos = Math.cos(theta) / s;
  const sin = Math.sin(theta) / s;
  // A = F * R(-theta) / s
  const a00 = f * cos;
  const a01 = f * sin;
  const a10 = -sin;
  const a11 = cos;
  const ox = cx + tx;
  const oy = cy + ty;
  return [a00, a01, cx - (a00 * ox + a01 * oy), a10, a11, cy - (a10 * ox + a11 * oy), 0, 0];
}

/**
 * tf.image.transform with one transform row per image. tfjs 4.22's CPU Transform kernel returns after
 * the first image of a batch (the rest stay at the fill value), so on that backend each image is
 * transformed on its own; other backends take the whole batch in one call.
 */
export function transformBatch(x: tf.Tensor4D, transforms: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const b = x.shape[0];
    if (tf.getBackend() !== 'cpu' || b === 1) return tf.image.transform(x, transforms, 'bilinear', 'constant', 0);
    const images = tf.split(x, b, 0);
    const rows = tf.split(transforms, b, 0);
    return tf.concat(
      images.map((img, i) => tf.image.transform(img as tf.Tensor4D, rows[i] as tf.Tensor2D, 'bilinear', 'constant', 0)),
      0,
    );
  });
}

function geometricActive(cfg: AugmentationConfig): boolean {
  return cfg.cropPadding > 0 || cfg.horizontalFlip || cfg.rotationDegrees > 0 || cfg.scale > 0 || cfg.shift > 0;
}

/** Augments a [B, H, W, C] batch of 0..1 pixels; returns a new tensor (the input is not disposed). */
export function augmentBatch(x: tf.Tensor4D, cfg: AugmentationConfig, rng: Prng): tf.Tensor4D {
  const [b, h, w] = x.shape;
  // Draw in a fixed order per sample so the stream does not depend on which options are on.
  const transforms: number[] = [];
  const gains = new Float32Array(b);
  const offsets = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const padX = rng.int(2 * cfg.cropPadding + 1) - cfg.cropPadding;
    const padY = rng.int(2 * cfg.cropPadding + 1) - cfg.cropPadding;
    const flip = cfg.horizontalFlip && rng.next() < 0.5;
    const theta = (rng.uniform(-1, 1) * cfg.rotationDegrees * Math.PI) / 180;
    const s = 1 + rng.uniform(-1, 1) * cfg.scale;
    const tx = padX + rng.uniform(-1, 1) * cfg.shift * w;
    const ty = padY + rng.uniform(-1, 1) * cfg.shift * h;
    transforms.push(...affineParams(h, w, theta, s, flip, tx, ty));
    gains[i] = 1 + rng.uniform(-1, 1) * cfg.contrast;
    offsets[i] = rng.uniform(-1, 1) * cfg.brightness;
  }
  return tf.tidy(() => {
    let out: tf.Tensor4D = x;
    if (geometricActive(cfg)) out = transformBatch(out, tf.tensor2d(transforms, [b, 8]));
    if (cfg.contrast > 0 || cfg.brightness > 0) {
      const mean = out.mean([1, 2, 3], true);
      const gain = tf.tensor4d(gains, [b, 1, 1, 1]);
      const offset = tf.tensor4d(offsets, [b, 1, 1, 1]);
      out = out.sub(mean).mul(gain).add(mean).add(offset).clipByValue(0, 1) as tf.Tensor4D;
    }
    return out === x ? x.clone() : out;
  });
}

/**
 * Ten-crop test-time augmentation: the four corner crops and the centre crop (each `1 - 2*margin` of
 * the image, resized back) and their mirror images. Returns [10 * B, H, W, C], crop-major.
 */
export function tenCrops(x: tf.Tensor4D, margin = 0.1): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const m = 2 * margin;
  const origins: Array<[number, number]> = [
    [0, 0],
    [0, m],
    [m, 0],
    [m, m],
    [margin, margin],
  ];
  return tf.tidy(() => {
    const boxes: number[] = [];
    const boxInd: number[] = [];
    for (const [y0, x0] of origins) {
      for (let i = 0; i < b; i++) {
        boxes.push(y0, x0, y0 + 1 - m, x0 + 1 - m);
        boxInd.push(i);
      }
    }
    const crops = tf.image.cropAndResize(x, tf.tensor2d(boxes, [boxes.length / 4, 4]), tf.tensor1d(boxInd, 'int32'), [h, w]);
    return tf.concat([crops, tf.image.flipLeftRight(crops)], 0);
  });
}
