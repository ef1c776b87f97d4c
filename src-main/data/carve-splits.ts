import { seededRandom, shuffleInPlace } from './seeded-random.ts';
import { SPLITS } from './types.ts';

const TRAIN = SPLITS.indexOf('train');
const VAL = SPLITS.indexOf('val');
const TEST = SPLITS.indexOf('test');

/**
 * Assigns the `candidates` (sample indices, in a stable order) to train/val/test per class, so each
 * split keeps the class balance; the same seed and the same files always give the same split.
 * Counts are rounded per class (a class of 5 at valFraction 0.1 gives round(0.5) = 1 val sample).
 */
export function carveSplits(
  candidates: readonly number[],
  labels: Uint8Array,
  splits: Uint8Array,
  options: { seed: number; valFraction: number; testFraction: number },
): void {
  const byClass = new Map<number, number[]>();
  for (const i of candidates) {
    const label = labels[i] as number;
    let list = byClass.get(label);
    if (!list) byClass.set(label, (list = []));
    list.push(i);
  }
  for (const [label, indices] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    // One stream per class: adding files to one class does not reshuffle the others.
    shuffleInPlace(indices, seededRandom((options.seed * 1_000_003 + label * 7919) >>> 0));
    const nVal = Math.round(indices.length * options.valFraction);
    const nTest = Math.round(indices.length * options.testFraction);
    indices.forEach((sample, k) => {
      splits[sample] = k < nVal ? VAL : k < nVal + nTest ? TEST : TRAIN;
    });
  }
}
