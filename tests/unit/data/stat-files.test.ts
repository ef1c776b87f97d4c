import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MISSING, NOT_STATED, type FileEntry } from '../../../src-main/data/scan-source.ts';
import { statEntries } from '../../../src-main/data/stat-files.ts';
import { tempDir } from '../../helpers/dataset-fixtures.ts';

describe('statEntries', () => {
  it('fills in sizes and mtimes, and marks files stat cannot reach', () => {
    const root = tempDir('fer-stat-');
    mkdirSync(join(root, 'a'));
    for (let i = 0; i < 5; i++) writeFileSync(join(root, 'a', `${i}.bin`), Buffer.alloc(i * 3));
    const entries: FileEntry[] = ['a/0.bin', 'a/4.bin', 'a/missing'].map((rel) => ({ rel, size: NOT_STATED, mtimeMs: NOT_STATED }));
    statEntries(root, entries);
    expect(entries).toEqual([
      { rel: 'a/0.bin', size: 0, mtimeMs: statSync(join(root, 'a', '0.bin')).mtimeMs },
      { rel: 'a/4.bin', size: 12, mtimeMs: statSync(join(root, 'a', '4.bin')).mtimeMs },
      { rel: 'a/missing', size: MISSING, mtimeMs: MISSING },
    ]);
  });
});
