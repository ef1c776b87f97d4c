import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFer2013Csv } from '../../../src-main/data/csv-import.ts';
import { DatasetError } from '../../../src-main/data/dataset-error.ts';
import { FER_CLASSES } from '../../../src-main/data/types.ts';
import { ferCsvRows, makeFer2013Csv, makeFerPlusCsv, tempDir } from '../../helpers/dataset-fixtures.ts';

let dir: string;
beforeAll(() => {
  dir = tempDir('fer-csv-');
});

async function errorOf(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('readFer2013Csv', () => {
  it('reads labels, official splits and exact pixels', async () => {
    const path = join(dir, 'fer2013.csv');
    const images = makeFer2013Csv(path, ferCsvRows(2));
    const ds = await readFer2013Csv(path, { size: 48 });
    expect(ds.labels.length).toBe(42);
    expect(ds.classNames).toEqual([...FER_CLASSES]);
    expect(Array.from(ds.labels.subarray(0, 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(ds.splits.subarray(0, 14)).every((s) => s === 0)).toBe(true);
    expect(Array.from(ds.splits.subarray(14, 28)).every((s) => s === 1)).toBe(true);
    expect(Array.from(ds.splits.subarray(28)).every((s) => s === 2)).toBe(true);
    expect(ds.pixels.subarray(5 * 2304, 6 * 2304)).toEqual(images[5]);
    expect(ds.files[0]).toBe('fer2013.csv:2');
  });

  it('resizes rows to the requested size', async () => {
    const path = join(dir, 'small.csv');
    makeFer2013Csv(path, [{ emotion: 3, usage: 'Training', pixels: new Uint8Array(2304).fill(77) }]);
    const ds = await readFer2013Csv(path, { size: 16 });
    expect(ds.pixels.length).toBe(256);
    expect(ds.pixels.every((v) => v === 77)).toBe(true);
  });

  it('rejects a wrong header, naming the missing column', async () => {
    const path = join(dir, 'header.csv');
    makeFer2013Csv(path, ferCsvRows(1), { header: 'label,pixels,Usage' });
    const err = await errorOf(readFer2013Csv(path, { size: 48 }));
    expect(err.message).toMatch(/wrong header: missing column "emotion".*found: label, pixels, Usage/);
    expect(err).toMatchObject({ path, line: 1, field: 'emotion' });
  });

  it('names the line of a malformed pixel row', async () => {
    const path = join(dir, 'malformed.csv');
    const rows = ferCsvRows(1);
    rows[2] = { emotion: 2, usage: 'Training', pixels: `${'1 '.repeat(100)}x7 ${'1 '.repeat(2203)}`.trim() };
    makeFer2013Csv(path, rows);
    const err = await errorOf(readFer2013Csv(path, { size: 48 }));
    expect(err).toMatchObject({ line: 4, field: 'pixels' });
    expect(err.message).toMatch(/line 4.*malformed pixel row: "x7" at pixel 101/);
  });

  it('rejects pixel values above 255 and a wrong pixel count', async () => {
    const big = join(dir, 'big.csv');
    makeFer2013Csv(big, [{ emotion: 0, usage: 'Training', pixels: `300 ${'1 '.repeat(2303)}`.trim() }]);
    expect((await errorOf(readFer2013Csv(big, { size: 48 }))).message).toMatch(/line 2.*value above 255 at pixel 1/);
    const short = join(dir, 'short.csv');
    makeFer2013Csv(short, [{ emotion: 0, usage: 'Training' }, { emotion: 1, usage: 'Training', pixels: '1 2 3' }]);
    const err = await errorOf(readFer2013Csv(short, { size: 48 }));
    expect(err.message).toMatch(/line 3.*wrong pixel count: 3 values, expected 2304 \(48x48\)/);
  });

  it('rejects unknown Usage and label values with line and field', async () => {
    const usage = join(dir, 'usage.csv');
    makeFer2013Csv(usage, [{ emotion: 0, usage: 'Training' }, { emotion: 0, usage: 'Validation' }]);
    const e1 = await errorOf(readFer2013Csv(usage, { size: 48 }));
    expect(e1).toMatchObject({ line: 3, field: 'Usage' });
    expect(e1.message).toMatch(/unknown Usage value "Validation"/);
    const label = join(dir, 'label.csv');
    makeFer2013Csv(label, [{ emotion: 7, usage: 'Training' }]);
    const e2 = await errorOf(readFer2013Csv(label, { size: 48 }));
    expect(e2).toMatchObject({ line: 2, field: 'emotion' });
    expect(e2.message).toMatch(/unknown label value "7" \(expected 0-6/);
  });

  it('reports a ragged CSV with its line', async () => {
    const path = join(dir, 'ragged.csv');
    writeFileSync(path, `emotion,pixels,Usage\n0,${'1 '.repeat(2303)}1,Training\n0,1 2\n`);
    const err = await errorOf(readFer2013Csv(path, { size: 48 }));
    expect(err.message).toMatch(/not a valid CSV/);
    expect(err.line).toBe(3);
  });
});

describe('FER+ relabelling', () => {
  it('relabels by majority and drops unknown, not-a-face and no-majority rows', async () => {
    const csv = join(dir, 'fp.csv');
    const rows = [
      { emotion: 0, usage: 'Training' },
      { emotion: 0, usage: 'Training' },
      { emotion: 0, usage: 'PublicTest' },
      { emotion: 0, usage: 'PublicTest' },
      { emotion: 0, usage: 'PrivateTest' },
    ];
    const images = makeFer2013Csv(csv, rows);
    const ferPlus = join(dir, 'fp-new.csv');
    makeFerPlusCsv(ferPlus, [
      { usage: 'Training', votes: [0, 9, 1, 0, 0, 0, 0, 0, 0, 0] }, // happy
      { usage: 'Training', votes: [0, 0, 0, 0, 0, 0, 0, 0, 10, 0] }, // unknown
      { usage: 'PublicTest', votes: [0, 0, 0, 0, 0, 0, 0, 7, 3, 0] }, // contempt
      { usage: 'PublicTest', votes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 10] }, // not a face
      { usage: 'PrivateTest', votes: [5, 5, 0, 0, 0, 0, 0, 0, 0, 0] }, // tie: no majority
    ]);
    const ds = await readFer2013Csv(csv, { size: 48, ferPlus });
    expect(ds.classNames).toEqual([...FER_CLASSES, 'contempt']);
    expect(ds.ferPlus).toEqual({ kept: 2, dropped: { unknown: 1, notAFace: 1, noMajority: 1 } });
    expect(Array.from(ds.labels)).toEqual([FER_CLASSES.indexOf('happy'), 7]);
    expect(Array.from(ds.splits)).toEqual([0, 1]);
    expect(ds.files).toEqual(['fp.csv:2', 'fp.csv:4']);
    expect(ds.pixels.subarray(2304, 4608)).toEqual(images[2]);
  });

  it('rejects a FER+ file whose row count does not match', async () => {
    const csv = join(dir, 'fp2.csv');
    makeFer2013Csv(csv, ferCsvRows(1));
    const ferPlus = join(dir, 'fp2-new.csv');
    makeFerPlusCsv(ferPlus, [{ usage: 'Training', votes: [10, 0, 0, 0, 0, 0, 0, 0, 0, 0] }]);
    const err = await errorOf(readFer2013Csv(csv, { size: 48, ferPlus }));
    expect(err.path).toBe(ferPlus);
    expect(err.message).toMatch(/row count does not match: 1 data rows, but fp2.csv has 21/);
  });

  it('rejects misaligned Usage and non-numeric votes', async () => {
    const csv = join(dir, 'fp3.csv');
    makeFer2013Csv(csv, [{ emotion: 0, usage: 'Training' }, { emotion: 1, usage: 'PublicTest' }]);
    const ferPlus = join(dir, 'fp3-new.csv');
    makeFerPlusCsv(ferPlus, [
      { usage: 'Training', votes: [10, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      { usage: 'Training', votes: [10, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
    ]);
    const e1 = await errorOf(readFer2013Csv(csv, { size: 48, ferPlus }));
    expect(e1).toMatchObject({ line: 3, field: 'Usage' });
    const bad = join(dir, 'fp4-new.csv');
    writeFileSync(bad, 'Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\nTraining,a.png,1,x,0,0,0,0,0,0,0,0\nPublicTest,b.png,10,0,0,0,0,0,0,0,0,0\n');
    const e2 = await errorOf(readFer2013Csv(csv, { size: 48, ferPlus: bad }));
    expect(e2).toMatchObject({ line: 2, field: 'happiness' });
  });
});
