import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../src-main/data/import-dataset.ts';
import { subsetDataset } from '../../src-main/data/subset-dataset.ts';
import { snapshotTree, tempDir } from '../helpers/dataset-fixtures.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const fer2013 = resolve(repoRoot, '../shared/datasets/fer2013');
const present = existsSync(fer2013);
if (!present) console.warn(`skipping the FER2013 import test: ${fer2013} is absent (it is not part of a fresh clone)`);

// The counts published in ../shared/datasets/README.md.
const TRAIN = { angry: 3995, disgust: 436, fear: 4097, happy: 7215, neutral: 4965, sad: 4830, surprise: 3171 };

describe.skipIf(!present)('shared FER2013 folder', () => {
  // The cache of the full dataset is ~80 MB: do not leave one behind per test run.
  const home = tempDir('fer-2013-home-');
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('imports the exact published train counts, with the 3589 PublicTest images as val, then loads from the cache', async () => {
    const before = snapshotTree(fer2013);
    const { dataset, report } = await importDataset(fer2013, { home });
    expect(report.counts.train).toEqual(TRAIN);
    expect(report.splitTotals).toEqual({ train: 28709, val: 3589, test: 0 });
    expect(report.skipped).toEqual([]);
    expect(dataset.files.filter((f) => f.startsWith('test/')).every((f) => f.split('/')[2]?.startsWith('PublicTest_'))).toBe(true);
    expect(dataset.pixels.length).toBe(32298 * 48 * 48);

    const cached = await importDataset(fer2013, { home });
    expect(cached.report.cache.hit).toBe(true);
    expect(cached.report.counts).toEqual(report.counts);
    expect(snapshotTree(fer2013)).toEqual(before);

    const small = subsetDataset(cached.dataset, { perClass: 5, splits: ['train', 'val'] });
    expect(small.labels.length).toBe(70);

    // The acceptance command itself, run from the project root (served from the cache just written).
    const cli = spawnSync(process.execPath, ['bin/fer-lab.js', '--home', home, 'dataset', 'inspect', '../shared/datasets/fer2013'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    for (const [name, count] of Object.entries(TRAIN)) expect(cli.stdout).toMatch(new RegExp(`^${name}\\s+${count}\\s`, 'm'));
    expect(cli.stdout).toMatch(/^total\s+28709\s+3589\s+0\s+32298$/m);
    expect(cli.stdout).toMatch(/^val\s+PublicTest_ files in test\//m);
  });
});
