import { sha256 } from './dataset-cache.ts';
import { seededRandom, shuffleInPlace } from './seeded-random.ts';
import { SPLITS, type FerDataset, type Split } from './types.ts';

export interface SubsetOptions {
  /** Keep at most this many samples per (split, class), picked at random with `seed`. */
  perClass?: number;
  /** Keep only these splits (default: all). */
  splits?: readonly Split[];
  /** Default 0. */
  seed?: number;
}

/**
 * A smaller dataset with copied arrays (tests and quick experiments train on a few FER2013 samples per
 * class). Samples keep their original order, labels and splits; classNames are unchanged so label
 * indices still mean the same class.
 */
export function subsetDataset(ds: FerDataset, options: SubsetOptions): FerDataset {
  const wanted = new Set((options.splits ?? SPLITS).map((s) => SPLITS.indexOf(s)));
  if (options.perClass !== undefined && !(Number.isInteger(options.perClass) && options.perClass >= 0)) {
    throw new RangeError(`subsetDataset: perClass must be a whole number >= 0, got ${options.perClass}`);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < ds.labels.length; i++) {
    const split = ds.splits[i] as number;
    if (!wanted.has(split)) continue;
    const key = split * 256 + (ds.labels[i] as number);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(i);
  }
  const random = seededRandom(options.seed ?? 0);
  const keep: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const list = groups.get(key) as number[];
    if (options.perClass === undefined || list.length <= options.perClass) keep.push(...list);
    else keep.push(...shuffleInPlace([...list], random).slice(0, options.perClass));
  }
  keep.sort((a, b) => a - b);
  const sample = ds.height * ds.width;
  const pixels = new Uint8Array(keep.length * sample);
  keep.forEach((src, dst) => pixels.set(ds.pixels.subarray(src * sample, (src + 1) * sample), dst * sample));
  return {
    ...ds,
    classNames: [...ds.classNames],
    pixels,
    labels: Uint8Array.from(keep.map((i) => ds.labels[i] as number)),
    splits: Uint8Array.from(keep.map((i) => ds.splits[i] as number)),
    files: keep.map((i) => ds.files[i] as string),
    fingerprint: sha256(`${ds.fingerprint}\nsubset ${JSON.stringify({ ...options, splits: [...wanted].sort() })}`),
  };
}
