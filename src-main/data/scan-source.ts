import { readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { canonicalClass, classList } from './class-names.ts';
import { DatasetError } from './dataset-error.ts';
import { FER_CLASSES, type DatasetFormat, type SkippedFile, type Split } from './types.ts';

/** A file of the source with what the fingerprint needs. `rel` always uses forward slashes. */
export interface FileEntry {
  rel: string;
  size: number;
  mtimeMs: number;
}

/** An image file with its class and split; `carve` means "train, unless carved into val/test". */
export interface ImageItem extends FileEntry {
  className: string;
  split: Split | 'carve';
}

export interface FolderPlan {
  format: Exclude<DatasetFormat, 'fer2013-csv'>;
  root: string;
  items: ImageItem[];
  classNames: string[];
  /** Which splits are carved from the `carve` items: kaggle carves val only when it has none. */
  carve: { val: boolean; test: boolean };
  splitOrigin: Record<Split, string>;
  skipped: SkippedFile[];
  warnings: string[];
}

export interface CsvPlan {
  format: 'fer2013-csv';
  csvPath: string;
  entry: FileEntry;
}

const TRAIN_DIRS = ['train', 'training'];
const TEST_DIRS = ['test', 'testing'];
const VAL_DIRS = ['val', 'valid', 'validation'];
const KNOWN_NAMES = `${FER_CLASSES.join(', ')} (or synonyms such as anger, happiness, surprised)`;

function listDir(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => isVisible(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isDir(dir: string, e: Dirent): boolean {
  // A dangling symlink is not a folder; it is listed as a file and skipped as unreadable.
  return e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name), { throwIfNoEntry: false })?.isDirectory() === true);
}

/** size/mtimeMs of a FileEntry that nothing has stat'ed yet. */
export const NOT_STATED = -1;
/** size/mtimeMs of a listed file that stat cannot reach (a dangling symlink, a file deleted meanwhile). */
export const MISSING = -2;

/** Hidden files (.DS_Store, ._x.jpg AppleDouble files) and Windows' Thumbs.db are never samples. */
function isVisible(name: string): boolean {
  return !name.startsWith('.') && name.toLowerCase() !== 'thumbs.db';
}

type OnFile = (rel: string, name: string, size: number, mtimeMs: number) => void;

/**
 * Calls onFile for every visible file under root/relDir (recursively, in sorted order). Sizes and
 * mtimes are left NOT_STATED: stat-files.ts fills them in when a cache is checked, and the
 * decode workers record them from the open files otherwise. This loop runs for every one of
 * FER2013's 32k files on each import, so it avoids path.join and object spreads.
 */
function walkFiles(root: string, relDir: string, onFile: OnFile): void {
  const dir = join(root, relDir);
  for (const e of listDir(dir)) {
    if (isDir(dir, e)) walkFiles(root, `${relDir}/${e.name}`, onFile);
    else onFile(`${relDir}/${e.name}`, e.name, NOT_STATED, NOT_STATED);
  }
}

function describeFound(root: string, entries: Dirent[]): string {
  if (entries.length === 0) return 'nothing';
  const dirs = entries.filter((e) => isDir(root, e)).map((e) => `${e.name}/`);
  const files = entries.filter((e) => !isDir(root, e)).map((e) => e.name);
  const show = (xs: string[]): string => (xs.length > 8 ? `${xs.slice(0, 8).join(', ')}, ... (${xs.length} in all)` : xs.join(', '));
  return [dirs.length ? `folders: ${show(dirs)}` : 'no folders', files.length ? `files: ${show(files)}` : 'no files'].join('; ');
}

/**
 * Works out what kind of dataset `source` is, and lists its files (a CSV source is stat'ed; image
 * files are not, see walkFiles). Throws DatasetError for bad input.
 */
export function scanSource(source: string): FolderPlan | CsvPlan {
  let st;
  try {
    st = statSync(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DatasetError('does not exist (expected a dataset folder or a fer2013.csv file)', { path: source });
    }
    throw new DatasetError(`cannot be read (${(err as Error).message})`, { path: source });
  }
  if (st.isFile()) {
    if (extname(source).toLowerCase() !== '.csv') {
      throw new DatasetError('is a file but not a .csv; give a dataset folder or a fer2013.csv file', { path: source });
    }
    return { format: 'fer2013-csv', csvPath: source, entry: { rel: basename(source), size: st.size, mtimeMs: st.mtimeMs } };
  }
  if (!st.isDirectory()) throw new DatasetError('is neither a folder nor a file', { path: source });

  const top = listDir(source);
  if (top.length === 0) throw new DatasetError('the folder is empty', { path: source });
  const dirs = top.filter((e) => isDir(source, e));
  const find = (names: string[]): Dirent | undefined => dirs.find((e) => names.includes(e.name.toLowerCase()));

  const train = find(TRAIN_DIRS);
  if (train) return scanKaggle(source, top, train, find(VAL_DIRS), find(TEST_DIRS));

  const csv = top.find((e) => !isDir(source, e) && e.name.toLowerCase() === 'fer2013.csv');
  if (csv) return scanSource(join(source, csv.name));

  return scanClassFolders(source, top);
}

function scanKaggle(
  root: string,
  top: Dirent[],
  train: Dirent,
  val: Dirent | undefined,
  test: Dirent | undefined,
): FolderPlan {
  const items: ImageItem[] = [];
  const skipped: SkippedFile[] = [];
  const warnings: string[] = [];
  const used = new Set([train, val, test].filter((d): d is Dirent => d !== undefined).map((d) => d.name));
  for (const e of top) {
    if (!used.has(e.name)) warnings.push(`ignored ${isDir(root, e) ? 'folder' : 'file'} "${e.name}" next to ${train.name}/ (not a split)`);
  }
  let publicTest = 0;
  const addSplit = (dirName: string, assign: (file: string) => Split | 'carve'): void => {
    const splitDir = join(root, dirName);
    const entries = listDir(splitDir);
    const classDirs = entries.filter((e) => isDir(splitDir, e));
    if (classDirs.length === 0) {
      throw new DatasetError(`no class folders in ${dirName}/ (found ${describeFound(splitDir, entries)}); expected one folder per emotion: ${KNOWN_NAMES}`, {
        path: splitDir,
      });
    }
    for (const e of entries) {
      if (isDir(splitDir, e)) continue;
      skipped.push({ file: `${dirName}/${e.name}`, reason: 'not inside a class folder' });
    }
    for (const dir of classDirs) {
      const cls = canonicalClass(dir.name);
      if (cls === undefined || cls === 'contempt') {
        throw new DatasetError(`unknown class folder "${dir.name}" in ${dirName}/; the Kaggle FER2013 layout has ${KNOWN_NAMES}`, {
          path: join(splitDir, dir.name),
        });
      }
      walkFiles(root, `${dirName}/${dir.name}`, (rel, name, size, mtimeMs) => {
        items.push({ rel, size, mtimeMs, className: cls, split: assign(name) });
      });
    }
  };
  addSplit(train.name, () => 'carve');
  if (val) addSplit(val.name, () => 'val');
  if (test) {
    addSplit(test.name, (file) => {
      // The Kaggle export keeps the official split in the file name prefix.
      if (file.startsWith('PublicTest_')) {
        publicTest++;
        return 'val';
      }
      return 'test';
    });
  }
  const hasVal = val !== undefined || publicTest > 0;
  const privateTest = items.filter((i) => i.split === 'test' && basename(i.rel).startsWith('PrivateTest_')).length;
  const testCount = items.filter((i) => i.split === 'test').length;
  if (items.length === 0) throw new DatasetError(`no files in the class folders of ${train.name}/`, { path: join(root, train.name) });
  return {
    format: 'kaggle-folders',
    root,
    items,
    classNames: classList([]),
    carve: { val: !hasVal, test: false },
    splitOrigin: {
      train: hasVal ? `${train.name}/` : `${train.name}/ less the carved val split`,
      val: val
        ? `${val.name}/`
        : publicTest > 0
          ? `PublicTest_ files in ${test?.name}/`
          : `carved from ${train.name}/ (stratified, seeded)`,
      test: !test
        ? 'none (no test/ folder)'
        : privateTest > 0 && privateTest === testCount
          ? `PrivateTest_ files in ${test.name}/`
          : testCount > 0
            ? `${test.name}/${publicTest > 0 ? ' (files without the PublicTest_ prefix)' : ''}`
            : `none (${test.name}/ holds only PublicTest_ files)`,
    },
    skipped,
    warnings,
  };
}

function scanClassFolders(root: string, top: Dirent[]): FolderPlan {
  const dirs = top.filter((e) => isDir(root, e));
  const recognised = dirs.filter((d) => canonicalClass(d.name) !== undefined);
  if (recognised.length === 0) {
    throw new DatasetError(
      `no recognisable class folders (found ${describeFound(root, top)}); expected train/ and test/ (Kaggle layout), a fer2013.csv, or one folder per emotion: ${KNOWN_NAMES}`,
      { path: root },
    );
  }
  const items: ImageItem[] = [];
  const skipped: SkippedFile[] = [];
  const warnings: string[] = [];
  const extra: string[] = [];
  for (const e of top) if (!isDir(root, e)) skipped.push({ file: e.name, reason: 'not inside a class folder' });
  for (const dir of dirs) {
    let cls: string | undefined = canonicalClass(dir.name);
    if (cls === undefined) {
      cls = dir.name.trim().toLowerCase();
      warnings.push(`unknown class folder "${dir.name}" (not a FER emotion name): kept as its own class "${cls}"`);
    }
    if (!FER_CLASSES.includes(cls as (typeof FER_CLASSES)[number])) extra.push(cls);
    const className = cls;
    walkFiles(root, dir.name, (rel, _name, size, mtimeMs) => {
      items.push({ rel, size, mtimeMs, className, split: 'carve' });
    });
  }
  if (items.length === 0) throw new DatasetError(`the class folders (${dirs.map((d) => d.name).join(', ')}) hold no files`, { path: root });
  const missing = FER_CLASSES.filter((c) => !items.some((i) => i.className === c));
  if (missing.length > 0) warnings.push(`no images for ${missing.join(', ')} (kept in the class list with zero samples)`);
  return {
    format: 'class-folders',
    root,
    items,
    classNames: classList(extra.sort()),
    carve: { val: true, test: true },
    splitOrigin: {
      train: 'class folders, less the carved val and test splits',
      val: 'carved from the class folders (stratified, seeded)',
      test: 'carved from the class folders (stratified, seeded)',
    },
    skipped,
    warnings,
  };
}
