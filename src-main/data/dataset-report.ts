import { SPLITS, type DuplicateGroup, type FerDataset, type PixelStats, type Split } from './types.ts';

export interface DuplicateSummary {
  crossSplit: DuplicateGroup[];
  crossSplitImages: number;
  withinSplitGroups: number;
  conflictingLabelGroups: number;
}

function sameBytes(pixels: Uint8Array, a: number, b: number, n: number): boolean {
  const oa = a * n;
  const ob = b * n;
  for (let k = 0; k < n; k++) if (pixels[oa + k] !== pixels[ob + k]) return false;
  return true;
}

/**
 * Exact duplicates by decoded pixels: candidates share a 64-bit hash, then are compared byte for
 * byte, so a hash collision can never report a false duplicate.
 */
export function findDuplicates(ds: FerDataset, hashes: Uint32Array): DuplicateSummary {
  const n = ds.labels.length;
  const sample = ds.height * ds.width;
  const first = new Map<number, number>();
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    // 53 of the 64 hash bits as a number key: cheaper than strings, and buckets are verified anyway.
    const key = (hashes[2 * i] as number) * 2 ** 21 + ((hashes[2 * i + 1] as number) >>> 11);
    const head = first.get(key);
    if (head === undefined) first.set(key, i);
    else {
      let bucket = buckets.get(head);
      if (!bucket) buckets.set(head, (bucket = [head]));
      bucket.push(i);
    }
  }
  const summary: DuplicateSummary = { crossSplit: [], crossSplitImages: 0, withinSplitGroups: 0, conflictingLabelGroups: 0 };
  for (const bucket of buckets.values()) {
    let rest = bucket;
    while (rest.length > 1) {
      const head = rest[0] as number;
      const group = rest.filter((i) => sameBytes(ds.pixels, head, i, sample));
      rest = rest.filter((i) => !group.includes(i));
      if (group.length < 2) continue;
      const splitSet = new Set(group.map((i) => ds.splits[i]));
      const labelSet = new Set(group.map((i) => ds.labels[i]));
      if (labelSet.size > 1) summary.conflictingLabelGroups++;
      if (splitSet.size > 1) {
        summary.crossSplitImages += group.length;
        summary.crossSplit.push({
          files: group.map((i) => ({
            file: ds.files[i] as string,
            split: SPLITS[ds.splits[i] as number] as Split,
            label: ds.classNames[ds.labels[i] as number] as string,
          })),
        });
      } else summary.withinSplitGroups++;
    }
  }
  summary.crossSplit.sort((a, b) => ((a.files[0]?.file ?? '') < (b.files[0]?.file ?? '') ? -1 : 1));
  return summary;
}

/** Pixel sum and sum of squares of every sample, two numbers per sample (exact: integers < 2^53). */
export function sampleSums(ds: FerDataset): Float64Array {
  const sample = ds.height * ds.width;
  const out = new Float64Array(ds.labels.length * 2);
  for (let i = 0; i < ds.labels.length; i++) {
    let a = 0;
    let b = 0;
    for (let k = i * sample, end = k + sample; k < end; k++) {
      const v = ds.pixels[k] as number;
      a += v;
      b += v * v;
    }
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

/**
 * Mean and standard deviation of the 0..255 pixel values, overall and per split present, from
 * per-sample sums (the decode workers compute them while the pixels are hot in cache).
 */
export function pixelStats(ds: FerDataset, sums: Float64Array = sampleSums(ds)): { all: PixelStats } & Partial<Record<Split, PixelStats>> {
  const sample = ds.height * ds.width;
  const sum = new Float64Array(SPLITS.length);
  const sumSq = new Float64Array(SPLITS.length);
  const count = new Float64Array(SPLITS.length);
  for (let i = 0; i < ds.labels.length; i++) {
    const s = ds.splits[i] as number;
    const a = sums[2 * i] as number;
    const b = sums[2 * i + 1] as number;
    sum[s] = (sum[s] as number) + a;
    sumSq[s] = (sumSq[s] as number) + b;
    count[s] = (count[s] as number) + sample;
  }
  const stats = (s: number, q: number, c: number): PixelStats => {
    const mean = c > 0 ? s / c : 0;
    return { mean, std: c > 0 ? Math.sqrt(Math.max(0, q / c - mean * mean)) : 0 };
  };
  const result: { all: PixelStats } & Partial<Record<Split, PixelStats>> = {
    all: stats(
      sum.reduce((x, y) => x + y, 0),
      sumSq.reduce((x, y) => x + y, 0),
      count.reduce((x, y) => x + y, 0),
    ),
  };
  SPLITS.forEach((split, s) => {
    if ((count[s] as number) > 0) result[split] = stats(sum[s] as number, sumSq[s] as number, count[s] as number);
  });
  return result;
}

/** Samples per split and class name (every class listed, zeros included). */
export function countSamples(ds: FerDataset): { counts: Record<Split, Record<string, number>>; splitTotals: Record<Split, number> } {
  const counts = Object.fromEntries(SPLITS.map((s) => [s, Object.fromEntries(ds.classNames.map((c) => [c, 0]))])) as Record<
    Split,
    Record<string, number>
  >;
  const splitTotals = { train: 0, val: 0, test: 0 } as Record<Split, number>;
  for (let i = 0; i < ds.labels.length; i++) {
    const split = SPLITS[ds.splits[i] as number] as Split;
    const cls = ds.classNames[ds.labels[i] as number] as string;
    counts[split][cls] = (counts[split][cls] ?? 0) + 1;
    splitTotals[split]++;
  }
  return { counts, splitTotals };
}
