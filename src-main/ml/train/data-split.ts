/**
 * Which samples a run trains, validates and tests on. Derived only from the dataset, the data options
 * and the seed, so a resumed run and an evaluation see exactly the same samples as the original run.
 */
import type { FerDataset, Split } from '../../data/types.ts';
import { SPLITS } from '../../data/types.ts';
import type { DataOptions } from '../train-config.ts';
import { Prng, deriveSeed } from './prng.ts';

export type SplitIndices = Record<Split, number[]>;

export function splitIndices(dataset: FerDataset, options: Pick<DataOptions, 'valFraction' | 'maxPerSplit'>, seed: number): SplitIndices {
  const out: SplitIndices = { train: [], val: [], test: [] };
  for (let i = 0; i < dataset.labels.length; i++) {
    const split = SPLITS[dataset.splits[i]!];
    if (!split) throw new Error(`dataset ${dataset.name}: sample ${i} has unknown split index ${dataset.splits[i]}`);
    out[split].push(i);
  }
  if (out.val.length === 0 && options.valFraction > 0 && out.train.length > 1) {
    // No validation split in the source (e.g. train/test folders): hold out a seeded slice of train.
    const shuffled = new Prng(deriveSeed(seed, 11)).shuffle(out.train);
    const nVal = Math.max(1, Math.round(shuffled.length * options.valFraction));
    out.val = shuffled.slice(0, nVal).sort((a, b) => a - b);
    out.train = shuffled.slice(nVal).sort((a, b) => a - b);
  }
  if (options.maxPerSplit !== undefined) {
    const cap = options.maxPerSplit;
    SPLITS.forEach((split, k) => {
      if (out[split].length > cap) {
        out[split] = new Prng(deriveSeed(seed, 20 + k)).shuffle(out[split]).slice(0, cap).sort((a, b) => a - b);
      }
    });
  }
  return out;
}

/** Per-class sample counts of the given indices. */
export function classCounts(dataset: FerDataset, indices: readonly number[]): number[] {
  const counts = new Array<number>(dataset.classNames.length).fill(0);
  for (const i of indices) counts[dataset.labels[i]!]! += 1;
  return counts;
}

/** Mean and standard deviation of the 0..1 pixel values of the given samples (for `standardize`). */
export function pixelStats(dataset: FerDataset, indices: readonly number[]): { mean: number; std: number } {
  const size = dataset.height * dataset.width;
  let sum = 0;
  let sumSq = 0;
  for (const i of indices) {
    const px = dataset.pixels.subarray(i * size, (i + 1) * size);
    for (let j = 0; j < px.length; j++) {
      const v = px[j]!;
      sum += v;
      sumSq += v * v;
    }
  }
  const n = Math.max(1, indices.length * size);
  const mean = sum / n / 255;
  const variance = Math.max(0, sumSq / n / (255 * 255) - mean * mean);
  return { mean, std: Math.sqrt(variance) || 1 };
}
