import { describe, expect, it } from 'vitest';
import { carveSplits } from '../../../src-main/data/carve-splits.ts';
import { canonicalClass, classList } from '../../../src-main/data/class-names.ts';
import { ferPlusMajority } from '../../../src-main/data/ferplus.ts';
import { subsetDataset } from '../../../src-main/data/subset-dataset.ts';
import { FER_CLASSES, SPLITS, type FerDataset } from '../../../src-main/data/types.ts';

describe('class names', () => {
  it('folds case and common synonyms onto the FER2013 names', () => {
    const pairs: Array<[string, string]> = [
      ['Anger', 'angry'],
      ['DISGUSTED', 'disgust'],
      ['fearful', 'fear'],
      ['Happiness', 'happy'],
      ['sadness', 'sad'],
      ['Surprised', 'surprise'],
      ['neutral', 'neutral'],
      ['contempt', 'contempt'],
    ];
    for (const [folder, name] of pairs) expect(canonicalClass(folder)).toBe(name);
    expect(canonicalClass('faces')).toBeUndefined();
  });

  it('always lists the seven FER classes first so label indices agree across datasets', () => {
    expect(classList(['contempt', 'angry'])).toEqual([...FER_CLASSES, 'contempt']);
  });
});

describe('ferPlusMajority', () => {
  // Columns: neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF
  it('picks the label holding more than half of the votes', () => {
    expect(ferPlusMajority([0, 8, 2, 0, 0, 0, 0, 0, 0, 0])).toEqual({ label: 'happy' });
    expect(ferPlusMajority([2, 0, 0, 0, 7, 0, 0, 0, 1, 0])).toEqual({ label: 'angry' });
    expect(ferPlusMajority([0, 0, 0, 0, 0, 0, 0, 6, 0, 0])).toEqual({ label: 'contempt' });
  });

  it('discards single votes as outliers before counting', () => {
    // 4 of 10 raw votes is no majority; without the six single votes it is 4 of 4.
    expect(ferPlusMajority([4, 1, 1, 1, 1, 1, 1, 0, 0, 0])).toEqual({ label: 'neutral' });
  });

  it('drops unknown, not-a-face and split votes', () => {
    expect(ferPlusMajority([0, 2, 0, 0, 0, 0, 0, 0, 8, 0])).toEqual({ dropped: 'unknown' });
    expect(ferPlusMajority([0, 0, 0, 0, 0, 0, 0, 0, 0, 10])).toEqual({ dropped: 'notAFace' });
    expect(ferPlusMajority([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])).toEqual({ dropped: 'noMajority' });
    expect(ferPlusMajority([1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toEqual({ dropped: 'noMajority' });
  });
});

describe('carveSplits', () => {
  const labels = Uint8Array.from([...Array(50).fill(0), ...Array(20).fill(1), ...Array(10).fill(2)]);
  const all = [...labels.keys()];

  it('carves stratified val/test fractions per class', () => {
    const splits = new Uint8Array(labels.length);
    carveSplits(all, labels, splits, { seed: 3, valFraction: 0.2, testFraction: 0.1 });
    const count = (label: number, split: string): number => all.filter((i) => labels[i] === label && splits[i] === SPLITS.indexOf(split as 'train')).length;
    expect([count(0, 'val'), count(0, 'test'), count(0, 'train')]).toEqual([10, 5, 35]);
    expect([count(1, 'val'), count(1, 'test'), count(1, 'train')]).toEqual([4, 2, 14]);
    expect([count(2, 'val'), count(2, 'test'), count(2, 'train')]).toEqual([2, 1, 7]);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const run = (seed: number): string => {
      const splits = new Uint8Array(labels.length);
      carveSplits(all, labels, splits, { seed, valFraction: 0.2, testFraction: 0 });
      return Array.from(splits).join('');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});

describe('subsetDataset', () => {
  const n = 40;
  const ds: FerDataset = {
    name: 't',
    source: '/x',
    format: 'class-folders',
    height: 2,
    width: 2,
    classNames: [...FER_CLASSES],
    pixels: Uint8Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4)),
    labels: Uint8Array.from({ length: n }, (_, i) => i % 2),
    splits: Uint8Array.from({ length: n }, (_, i) => (i < 30 ? 0 : 1)),
    files: Array.from({ length: n }, (_, i) => `f${i}`),
    fingerprint: 'abc',
  };

  it('keeps at most perClass samples per split and class, with their own pixels', () => {
    const sub = subsetDataset(ds, { perClass: 3, splits: ['train', 'val'], seed: 1 });
    expect(sub.labels.length).toBe(12);
    for (let i = 0; i < sub.labels.length; i++) {
      const original = Number((sub.files[i] as string).slice(1));
      expect(sub.labels[i]).toBe(ds.labels[original]);
      expect(sub.splits[i]).toBe(ds.splits[original]);
      expect(Array.from(sub.pixels.subarray(i * 4, i * 4 + 4))).toEqual([original, original, original, original]);
    }
    expect(sub.fingerprint).not.toBe(ds.fingerprint);
  });

  it('filters splits and is reproducible', () => {
    const a = subsetDataset(ds, { splits: ['val'] });
    expect(a.labels.length).toBe(10);
    expect(a.splits.every((s) => s === 1)).toBe(true);
    expect(subsetDataset(ds, { perClass: 2, seed: 4 }).files).toEqual(subsetDataset(ds, { perClass: 2, seed: 4 }).files);
    expect(() => subsetDataset(ds, { perClass: -1 })).toThrow(/perClass/);
  });
});
