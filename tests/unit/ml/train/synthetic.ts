/**
 * A tiny learnable dataset for engine tests: each class is a bright square at its own position on a
 * noisy background, so a small network separates the classes within a few epochs.
 */
import type { FerDataset } from '../../../../src-main/data/types.ts';
import { Prng } from '../../../../src-main/ml/train/prng.ts';

export function syntheticDataset(opts: { perClassSplit?: [number, number, number]; size?: number; classes?: number; seed?: number } = {}): FerDataset {
  const size = opts.size ?? 16;
  const classes = opts.classes ?? 3;
  const [nTrain, nVal, nTest] = opts.perClassSplit ?? [8, 3, 3];
  const rng = new Prng(opts.seed ?? 7);
  const pixels: number[] = [];
  const labels: number[] = [];
  const splits: number[] = [];
  const files: string[] = [];
  const block = Math.max(2, Math.floor(size / 4));
  [nTrain, nVal, nTest].forEach((n, split) => {
    for (let c = 0; c < classes; c++) {
      for (let i = 0; i < n; i++) {
        const ox = (c * block * 1.3) % (size - block);
        const oy = Math.floor((c * block) / 2) % (size - block);
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const inside = x >= ox && x < ox + block && y >= oy && y < oy + block;
            pixels.push(Math.min(255, Math.floor((inside ? 200 : 40) + rng.uniform(0, 40))));
          }
        }
        labels.push(c);
        splits.push(split);
        files.push(`synthetic/${split}/${c}/${i}.png`);
      }
    }
  });
  return {
    name: 'synthetic',
    source: '/synthetic',
    format: 'class-folders',
    height: size,
    width: size,
    classNames: Array.from({ length: classes }, (_, i) => `class${i}`),
    pixels: Uint8Array.from(pixels),
    labels: Uint8Array.from(labels),
    splits: Uint8Array.from(splits),
    files,
    fingerprint: `synthetic-${size}-${classes}-${nTrain}-${nVal}-${nTest}-${opts.seed ?? 7}`,
  };
}

/** Writes the dataset as a fer2013.csv-style file (48x48 rows, nearest-neighbour upscaled). */
export function toFer2013Csv(ds: FerDataset): string {
  const usage = ['Training', 'PublicTest', 'PrivateTest'];
  const lines = ['emotion,pixels,Usage'];
  const s = ds.height;
  for (let i = 0; i < ds.labels.length; i++) {
    const px: number[] = [];
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 48; x++) px.push(ds.pixels[i * s * s + Math.floor((y * s) / 48) * s + Math.floor((x * s) / 48)]!);
    }
    lines.push(`${ds.labels[i]},${px.join(' ')},${usage[ds.splits[i]!]}`);
  }
  return `${lines.join('\n')}\n`;
}
