import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src-main/data/dataset-error.ts';
import { importDataset } from '../../src-main/data/import-dataset.ts';
import { pixelStats } from '../../src-main/data/dataset-report.ts';
import { FER_CLASSES, SPLITS } from '../../src-main/data/types.ts';
import {
  encodeImage,
  ferCsvRows,
  makeClassFolders,
  makeFer2013Csv,
  makeGray,
  makeKaggleFolder,
  snapshotTree,
  tempDir,
} from '../helpers/dataset-fixtures.ts';

async function errorOf(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

const nocache = { useCache: false } as const;

describe('Kaggle folder layout', () => {
  let root: string;
  beforeAll(async () => {
    root = join(tempDir('fer-kaggle-'), 'fer');
    await makeKaggleFolder(root, { perClass: 6, testPerClass: 2 });
  });

  it('takes PublicTest_ files as val and PrivateTest_ files as test, train untouched', async () => {
    const { dataset, report } = await importDataset(root, nocache);
    expect(dataset.format).toBe('kaggle-folders');
    expect(dataset.classNames).toEqual([...FER_CLASSES]);
    expect(report.splitTotals).toEqual({ train: 42, val: 7, test: 7 });
    for (const c of FER_CLASSES) expect(report.counts.train[c]).toBe(6);
    expect(report.splitOrigin.val).toMatch(/PublicTest_/);
    for (let i = 0; i < dataset.labels.length; i++) {
      const file = dataset.files[i] as string;
      const split = SPLITS[dataset.splits[i] as number];
      if (file.includes('PublicTest_')) expect(split).toBe('val');
      else if (file.includes('PrivateTest_')) expect(split).toBe('test');
      else expect(split).toBe('train');
      expect(file.split('/')[1]).toBe(dataset.classNames[dataset.labels[i] as number]);
    }
    expect(dataset.pixels.length).toBe(56 * 48 * 48);
    expect(report.skipped).toEqual([]);
    expect(report.pixels.all.mean).toBeGreaterThan(90);
    expect(report.pixels.all.mean).toBeLessThan(170);
    expect(report.pixels.all.std).toBeGreaterThan(10);
    // The workers' per-sample sums give the same statistics as a pass over the final pixels.
    const direct = pixelStats(dataset);
    expect(report.pixels.all.mean).toBeCloseTo(direct.all.mean, 9);
    expect(report.pixels.val?.std).toBeCloseTo(direct.val?.std as number, 9);
    let sum = 0;
    for (const v of dataset.pixels) sum += v;
    expect(report.pixels.all.mean).toBeCloseTo(sum / dataset.pixels.length, 9);
  });

  it('decodes each file to its own pixels (JPEG loss only)', async () => {
    const { dataset } = await importDataset(root, nocache);
    const i = dataset.files.indexOf('train/angry/Training_1000.jpg');
    expect(i).toBeGreaterThanOrEqual(0);
    const expected = makeGray(48, 48, 1000);
    let diff = 0;
    for (let k = 0; k < 2304; k++) diff += Math.abs((dataset.pixels[i * 2304 + k] as number) - (expected[k] as number));
    expect(diff / 2304).toBeLessThan(4);
  });

  it('resizes to the requested size', async () => {
    const { dataset } = await importDataset(root, { ...nocache, size: 16 });
    expect([dataset.height, dataset.width, dataset.pixels.length]).toEqual([16, 16, 56 * 256]);
  });

  it('carves a stratified, seeded val split from train when test files have no official prefix', async () => {
    const plain = join(tempDir('fer-kaggle-plain-'), 'fer');
    await makeKaggleFolder(plain, {
      perClass: 10,
      testPerClass: 1,
      prefix: 'none',
      classFolders: { angry: 'Anger', happy: 'HAPPINESS', surprise: 'surprised', fear: 'Fearful' },
    });
    const a = await importDataset(plain, { ...nocache, seed: 5, valFraction: 0.2 });
    expect(a.report.splitTotals).toEqual({ train: 56, val: 14, test: 7 });
    for (const c of FER_CLASSES) expect(a.report.counts.val[c]).toBe(2);
    expect(a.report.splitOrigin.val).toMatch(/carved/);
    const b = await importDataset(plain, { ...nocache, seed: 5, valFraction: 0.2 });
    expect(Array.from(b.dataset.splits)).toEqual(Array.from(a.dataset.splits));
    const c = await importDataset(plain, { ...nocache, seed: 6, valFraction: 0.2 });
    expect(Array.from(c.dataset.splits)).not.toEqual(Array.from(a.dataset.splits));
  });

  it('reports exact duplicate images shared across splits', async () => {
    const dup = join(tempDir('fer-dup-'), 'fer');
    await makeKaggleFolder(dup, { perClass: 2, testPerClass: 2 });
    copyFileSync(join(dup, 'train/happy/Training_1012.jpg'), join(dup, 'test/happy/PublicTest_99999.jpg'));
    copyFileSync(join(dup, 'train/sad/Training_1016.jpg'), join(dup, 'test/angry/PrivateTest_99998.jpg'));
    copyFileSync(join(dup, 'train/sad/Training_1016.jpg'), join(dup, 'train/sad/Training_99997.jpg'));
    const { report } = await importDataset(dup, nocache);
    expect(report.duplicates.crossSplit).toHaveLength(2);
    expect(report.duplicates.crossSplitImages).toBe(5);
    expect(report.duplicates.conflictingLabelGroups).toBe(1);
    const files = report.duplicates.crossSplit.flatMap((g) => g.files.map((f) => `${f.file}|${f.split}|${f.label}`)).sort();
    expect(files).toEqual([
      'test/angry/PrivateTest_99998.jpg|test|angry',
      'test/happy/PublicTest_99999.jpg|val|happy',
      'train/happy/Training_1012.jpg|train|happy',
      'train/sad/Training_1016.jpg|train|sad',
      'train/sad/Training_99997.jpg|train|sad',
    ]);
  });

  it('rejects an unknown class folder, naming it', async () => {
    const bad = join(tempDir('fer-unknown-'), 'fer');
    await makeKaggleFolder(bad, { perClass: 1, testPerClass: 0 });
    mkdirSync(join(bad, 'train', 'sleepy'));
    writeFileSync(join(bad, 'train', 'sleepy', 'x.jpg'), await encodeImage(makeGray(48, 48, 1), 48, 48, 'jpg'));
    const err = await errorOf(importDataset(bad, nocache));
    expect(err.message).toMatch(/unknown class folder "sleepy" in train\//);
    expect(err.path).toBe(join(bad, 'train', 'sleepy'));
  });
});

describe('bad files are skipped and listed, never a crash', () => {
  it('lists zero-byte, truncated and non-image files with reasons', async () => {
    const root = join(tempDir('fer-badfiles-'), 'fer');
    await makeKaggleFolder(root, { perClass: 2, testPerClass: 0 });
    const good = await encodeImage(makeGray(48, 48, 77), 48, 48, 'jpg');
    writeFileSync(join(root, 'train/angry/empty.jpg'), '');
    writeFileSync(join(root, 'train/angry/truncated.jpg'), good.subarray(0, 300));
    writeFileSync(join(root, 'train/happy/notes.txt'), 'labelled by hand');
    writeFileSync(join(root, 'train/happy/fake.png'), '<html>not a png</html>');
    writeFileSync(join(root, 'train/loose.jpg'), good);
    const { dataset, report } = await importDataset(root, nocache);
    expect(dataset.labels.length).toBe(14);
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.file, s.reason]));
    expect(reasons).toMatchObject({
      'train/angry/empty.jpg': expect.stringMatching(/empty file/),
      'train/angry/truncated.jpg': expect.stringMatching(/corrupt or truncated JPEG/),
      'train/happy/notes.txt': expect.stringMatching(/not an image/),
      'train/happy/fake.png': expect.stringMatching(/not an image/),
      'train/loose.jpg': 'not inside a class folder',
    });
    expect(report.skipped).toHaveLength(5);
    expect(dataset.files.some((f) => f.includes('empty') || f.includes('truncated'))).toBe(false);
  });

  it('skips a dangling symlink, and the cache still hits on the next import', async () => {
    const root = join(tempDir('fer-symlink-'), 'fer');
    await makeKaggleFolder(root, { perClass: 1, testPerClass: 0 });
    symlinkSync(join(root, 'nowhere.jpg'), join(root, 'train', 'sad', 'dangling.jpg'));
    const home = tempDir('fer-symlink-home-');
    const first = await importDataset(root, { home });
    expect(first.report.skipped).toEqual([{ file: 'train/sad/dangling.jpg', reason: expect.stringMatching(/unreadable.*ENOENT/) }]);
    expect(first.dataset.labels.length).toBe(7);
    expect((await importDataset(root, { home })).report.cache.hit).toBe(true);
  });
});

describe('generic class folders', () => {
  it('imports mixed formats, sizes and colours as 48x48 grayscale with a stratified 3-way split', async () => {
    const root = join(tempDir('fer-classes-'), 'ckplus');
    await makeClassFolders(root, { classes: { Anger: 10, happy: 10, Surprise: 10, contempt: 10 } });
    const { dataset, report } = await importDataset(root, { ...nocache, valFraction: 0.2, testFraction: 0.1 });
    expect(dataset.format).toBe('class-folders');
    expect(dataset.classNames).toEqual([...FER_CLASSES, 'contempt']);
    expect(report.skipped).toEqual([]);
    expect(dataset.pixels.length).toBe(40 * 48 * 48);
    for (const c of ['angry', 'happy', 'surprise', 'contempt']) {
      expect([report.counts.train[c], report.counts.val[c], report.counts.test[c]]).toEqual([7, 2, 1]);
    }
    expect(report.warnings.join('\n')).toMatch(/no images for disgust, fear, sad, neutral/);
  });

  it('keeps an unknown class folder as its own class with a warning naming it', async () => {
    const root = join(tempDir('fer-classes-'), 'mixed');
    await makeClassFolders(root, { classes: { happy: 3, Sleepy: 3 }, formats: ['jpg'] });
    const { dataset, report } = await importDataset(root, nocache);
    expect(dataset.classNames).toEqual([...FER_CLASSES, 'sleepy']);
    expect(report.warnings.join('\n')).toMatch(/unknown class folder "Sleepy"/);
    expect(report.counts.train.sleepy! + report.counts.val.sleepy! + report.counts.test.sleepy!).toBe(3);
  });
});

describe('bad dataset paths', () => {
  it('missing path', async () => {
    const missing = join(tempDir('fer-missing-'), 'nope');
    const err = await errorOf(importDataset(missing, nocache));
    expect(err.message).toBe(`${missing}: does not exist (expected a dataset folder or a fer2013.csv file)`);
  });

  it('empty folder', async () => {
    const dir = tempDir('fer-empty-');
    expect((await errorOf(importDataset(dir, nocache))).message).toMatch(/the folder is empty/);
  });

  it('no recognisable class folders, listing what was found', async () => {
    const dir = tempDir('fer-norecog-');
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'readme.md'), '# hi');
    const err = await errorOf(importDataset(dir, nocache));
    expect(err.message).toMatch(/no recognisable class folders \(found folders: docs\/, images\/; files: readme.md\)/);
  });

  it('a train folder without class folders', async () => {
    const dir = tempDir('fer-notrainclasses-');
    mkdirSync(join(dir, 'train'));
    writeFileSync(join(dir, 'train', 'a.jpg'), '');
    expect((await errorOf(importDataset(dir, nocache))).message).toMatch(/no class folders in train\/ \(found no folders; files: a.jpg\)/);
  });

  it('a file that is not a CSV, and a FER+ file for a folder dataset', async () => {
    const dir = tempDir('fer-notcsv-');
    writeFileSync(join(dir, 'x.txt'), 'hello');
    expect((await errorOf(importDataset(join(dir, 'x.txt'), nocache))).message).toMatch(/not a \.csv/);
    const root = join(dir, 'fer');
    await makeKaggleFolder(root, { perClass: 1, testPerClass: 0 });
    expect((await errorOf(importDataset(root, { ...nocache, ferPlus: join(dir, 'x.txt') }))).message).toMatch(/applies to fer2013.csv only/);
  });
});

describe('fer2013.csv source', () => {
  it('imports a CSV file, or a folder holding fer2013.csv, with official splits', async () => {
    const dir = tempDir('fer-csvsrc-');
    makeFer2013Csv(join(dir, 'fer2013.csv'), ferCsvRows(1));
    const a = await importDataset(join(dir, 'fer2013.csv'), nocache);
    expect(a.dataset.format).toBe('fer2013-csv');
    expect(a.report.splitTotals).toEqual({ train: 7, val: 7, test: 7 });
    const b = await importDataset(dir, nocache);
    expect(b.dataset.files).toEqual(a.dataset.files);
  });
});

describe('cache', () => {
  it('reuses the decoded dataset, is invalidated by a changed source, and never writes into the dataset folder', async () => {
    const root = join(tempDir('fer-cached-'), 'fer');
    await makeKaggleFolder(root, { perClass: 3, testPerClass: 2 });
    const home = tempDir('fer-home-');
    const before = snapshotTree(root);
    const progress: Array<[number, number]> = [];
    const first = await importDataset(root, { home, onProgress: (d, t) => progress.push([d, t]) });
    expect(first.report.cache).toMatchObject({ enabled: true, hit: false });
    expect(progress.at(-1)).toEqual([35, 35]);
    const cacheFiles = readdirSync(join(home, 'cache', 'datasets'));
    expect(cacheFiles).toHaveLength(1);

    const second = await importDataset(root, { home });
    expect(second.report.cache.hit).toBe(true);
    expect(second.dataset.pixels).toEqual(first.dataset.pixels);
    expect(second.dataset.labels).toEqual(first.dataset.labels);
    expect(second.dataset.splits).toEqual(first.dataset.splits);
    expect(second.dataset.files).toEqual(first.dataset.files);
    expect(second.report.counts).toEqual(first.report.counts);
    expect(snapshotTree(root)).toEqual(before);
    // Without the cache, sizes and mtimes come from the decode workers: the fingerprint must agree.
    const uncached = await importDataset(root, { useCache: false });
    expect(uncached.dataset.fingerprint).toBe(first.dataset.fingerprint);
    expect(uncached.report.cache).toEqual({ enabled: false, hit: false });

    // Touching a file (same content, new mtime) invalidates; so does adding one.
    utimesSync(join(root, 'train/angry/Training_1000.jpg'), new Date(), new Date(Date.now() + 5000));
    const third = await importDataset(root, { home });
    expect(third.report.cache.hit).toBe(false);
    writeFileSync(join(root, 'train/happy/new.jpg'), await encodeImage(makeGray(48, 48, 4242), 48, 48, 'jpg'));
    const fourth = await importDataset(root, { home });
    expect(fourth.report.cache.hit).toBe(false);
    expect(fourth.dataset.labels.length).toBe(first.dataset.labels.length + 1);
    expect((await importDataset(root, { home })).report.cache.hit).toBe(true);
    // Different options use a different cache entry; a stale entry is overwritten, not accumulated.
    await importDataset(root, { home, size: 16 });
    expect(readdirSync(join(home, 'cache', 'datasets'))).toHaveLength(2);

    // Two imports racing to write the same cache entry each write their own temporary file.
    const home2 = tempDir('fer-home-race-');
    const [r1, r2] = await Promise.all([importDataset(root, { home: home2 }), importDataset(root, { home: home2 })]);
    expect(r1.report.warnings.concat(r2.report.warnings).join('\n')).not.toMatch(/could not write the cache/);
    expect(readdirSync(join(home2, 'cache', 'datasets'))).toHaveLength(1);
    expect((await importDataset(root, { home: home2 })).report.cache.hit).toBe(true);

    rmSync(join(root, 'train/happy/new.jpg'));
    const fifth = await importDataset(root, { home });
    expect(fifth.report.cache.hit).toBe(false);
    expect(fifth.dataset.labels.length).toBe(first.dataset.labels.length);
  });
});
