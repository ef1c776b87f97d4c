import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileFor, fingerprintOf, prefetchCache, readCache, writeCache } from '../../../src-main/data/dataset-cache.ts';
import { FER_CLASSES, type FerDataset, type ImportReport } from '../../../src-main/data/types.ts';
import { tempDir } from '../../helpers/dataset-fixtures.ts';

const ds: FerDataset = {
  name: 'tiny',
  source: '/data/tiny',
  format: 'kaggle-folders',
  height: 3,
  width: 3,
  classNames: [...FER_CLASSES],
  pixels: Uint8Array.from({ length: 27 }, (_, i) => i * 9),
  labels: Uint8Array.from([0, 3, 6]),
  splits: Uint8Array.from([0, 1, 2]),
  files: ['train/angry/a.jpg', 'test/happy/PublicTest_b.jpg', 'test/neutral/c.jpg'],
  fingerprint: 'f1',
};
const report = { name: 'tiny', total: 3, warnings: ['w'] } as unknown as ImportReport;

describe('dataset cache', () => {
  it('round-trips the dataset and report, and ignores a different fingerprint', () => {
    const home = tempDir('fer-cache-');
    const file = cacheFileFor(home, ds.source, { size: 3 });
    expect(file.startsWith(join(home, 'cache', 'datasets'))).toBe(true);
    writeCache(file, ds, report);
    const back = readCache(file, 'f1');
    expect(back?.dataset).toEqual(ds);
    expect(back?.report).toEqual(report);
    expect(readCache(file, 'f2')).toBeUndefined();
    // Atomic write: only the final file remains, no temporary files.
    expect(readdirSync(join(home, 'cache', 'datasets'))).toEqual([file.split('/').pop()]);
  });

  it('treats truncated or garbage cache files as a miss, never an error', () => {
    const home = tempDir('fer-cache-');
    const file = cacheFileFor(home, ds.source, {});
    writeCache(file, ds, report);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 2));
    expect(readCache(file, 'f1')).toBeUndefined();
    writeFileSync(file, 'not a cache');
    expect(readCache(file, 'f1')).toBeUndefined();
    expect(readCache(join(home, 'missing.ferds'), 'f1')).toBeUndefined();
  });

  it('fingerprints change with any path, size, mtime or option', () => {
    const base = [
      { rel: 'train/a.jpg', size: 10, mtimeMs: 1 },
      { rel: 'train/b.jpg', size: 11, mtimeMs: 2 },
    ];
    const fp = fingerprintOf(base, { size: 48 });
    expect(fingerprintOf([...base].reverse(), { size: 48 })).toBe(fp);
    expect(fingerprintOf([base[0]!, { ...base[1]!, size: 12 }], { size: 48 })).not.toBe(fp);
    expect(fingerprintOf([base[0]!, { ...base[1]!, mtimeMs: 3 }], { size: 48 })).not.toBe(fp);
    expect(fingerprintOf([base[0]!, { ...base[1]!, rel: 'train/c.jpg' }], { size: 48 })).not.toBe(fp);
    expect(fingerprintOf(base, { size: 16 })).not.toBe(fp);
  });
});

describe('prefetchCache', () => {
  it('loads in the background and checks the fingerprint only at the end', async () => {
    const home = tempDir('fer-cache-');
    const file = cacheFileFor(home, ds.source, { size: 3 });
    writeCache(file, ds, report);
    expect((await prefetchCache(file).finish('f1'))?.dataset).toEqual(ds);
    expect(await prefetchCache(file).finish('stale')).toBeUndefined();
    expect(await prefetchCache(join(home, 'missing.ferds')).finish('f1')).toBeUndefined();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect(await prefetchCache(file).finish('f1')).toBeUndefined();
  });
});
