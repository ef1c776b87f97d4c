/**
 * Turns a batch of still images [B, H, W, C] into DCNNBEA's T frames [B, T, H, W, C].
 *
 * `crops-flips` uses this fixed, deterministic list (first T entries):
 *   0 identity, 1 mirror (left-right flip), 2 centre crop, 3 centre crop mirrored,
 *   4 top-left crop, 5 its mirror, 6 top-right, 7 its mirror, 8 bottom-left, 9 its mirror,
 *   10 bottom-right, 11 its mirror.
 * Crops cover CROP_FRACTION (87.5%) of each side and are resized back to H x W with bilinear sampling
 * (tf.image.cropAndResize); the identity view is the image itself. `repeat` stacks the image T times.
 */
import * as tf from '@tensorflow/tfjs';
import { MAX_CROP_FLIP_VIEWS, type FrameViewMode } from './config.ts';

export const CROP_FRACTION = 0.875;

interface View {
  /** Normalised [y1, x1, y2, x2]; null = the whole image. */
  box: [number, number, number, number] | null;
  mirror: boolean;
}

function viewList(): View[] {
  const c = CROP_FRACTION;
  const off = (1 - c) / 2;
  const boxes: [number, number, number, number][] = [
    [off, off, off + c, off + c],
    [0, 0, c, c],
    [0, 1 - c, c, 1],
    [1 - c, 0, 1, c],
    [1 - c, 1 - c, 1, 1],
  ];
  const views: View[] = [
    { box: null, mirror: false },
    { box: null, mirror: true },
  ];
  for (const box of boxes) views.push({ box, mirror: false }, { box, mirror: true });
  return views;
}

export const CROP_FLIP_VIEWS: readonly View[] = viewList();

/** Describes view i in words (for docs, logs and the UI). */
export function describeView(i: number, mode: FrameViewMode): string {
  if (mode === 'repeat') return 'identity';
  const names = ['identity', 'centre crop', 'top-left crop', 'top-right crop', 'bottom-left crop', 'bottom-right crop'];
  const base = names[Math.floor(i / 2)] ?? '?';
  return i % 2 === 1 ? `${base === 'identity' ? 'image' : base}, mirrored` : base;
}

/** [B, H, W, C] -> [B, T, H, W, C]. Pure: the caller owns (and disposes) the result. */
export function makeFrameViews(images: tf.Tensor4D, T: number, mode: FrameViewMode): tf.Tensor5D {
  if (!Number.isInteger(T) || T < 1) throw new Error(`makeFrameViews: T must be a positive integer, got ${T}`);
  if (images.rank !== 4) throw new Error(`makeFrameViews: expected images [B,H,W,C], got shape [${images.shape.join(',')}]`);
  if (mode === 'crops-flips' && T > MAX_CROP_FLIP_VIEWS) {
    throw new Error(`makeFrameViews: 'crops-flips' makes at most ${MAX_CROP_FLIP_VIEWS} views, asked for ${T}`);
  }
  return tf.tidy(() => {
    if (mode === 'repeat') return tf.stack(Array.from({ length: T }, () => images), 1) as tf.Tensor5D;
    const [B, H, W] = images.shape;
    const frames: tf.Tensor4D[] = [];
    for (let i = 0; i < T; i++) {
      const view = CROP_FLIP_VIEWS[i] as View;
      let v: tf.Tensor4D = images;
      if (view.box) {
        const boxes = tf.tensor2d(Array.from({ length: B }, () => view.box as number[]), [B, 4]);
        const idx = tf.tensor1d(Array.from({ length: B }, (_, b) => b), 'int32');
        v = tf.image.cropAndResize(images, boxes, idx, [H, W], 'bilinear');
      }
      if (view.mirror) v = tf.image.flipLeftRight(v);
      frames.push(v);
    }
    return tf.stack(frames, 1) as tf.Tensor5D;
  });
}
