import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import { classList } from './class-names.ts';
import { DatasetError } from './dataset-error.ts';
import { FERPLUS_COLUMNS, ferPlusMajority } from './ferplus.ts';
import { resizeGray } from './image-decode.mjs';
import { FER_CLASSES, SPLITS, type Split } from './types.ts';

/** fer2013.csv rows are 48x48 grayscale images written as space-separated numbers. */
export const CSV_SIDE = 48;
const CSV_PIXELS = CSV_SIDE * CSV_SIDE;
const USAGE_TO_SPLIT: Record<string, Split> = { Training: 'train', PublicTest: 'val', PrivateTest: 'test' };

export interface CsvDataset {
  pixels: Uint8Array;
  labels: Uint8Array;
  splits: Uint8Array;
  files: string[];
  classNames: string[];
  ferPlus?: { kept: number; dropped: { unknown: number; notAFace: number; noMajority: number } };
}

interface CsvRow {
  record: string[];
  line: number;
}

/** Streams a CSV and hands each record with its 1-based line number; parser errors become DatasetErrors. */
async function forEachRow(path: string, onRow: (row: CsvRow) => void, onBytes?: (bytes: number) => void): Promise<void> {
  const stream = createReadStream(path);
  let bytes = 0;
  if (onBytes) stream.on('data', (chunk) => onBytes((bytes += chunk.length)));
  const parser = stream.pipe(parse({ info: true, skip_empty_lines: true, bom: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      onRow({ record, line: info.lines });
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof DatasetError) throw err;
    const e = err as Error & { lines?: number };
    throw new DatasetError(`not a valid CSV: ${e.message}`, { path, line: e.lines });
  }
}

function headerIndex(path: string, header: string[], wanted: readonly string[]): number[] {
  const lower = header.map((h) => h.trim().toLowerCase());
  return wanted.map((name) => {
    const i = lower.indexOf(name.toLowerCase());
    if (i < 0) {
      throw new DatasetError(`wrong header: missing column "${name}" (found: ${header.join(', ') || 'nothing'}; expected ${wanted.join(', ')})`, {
        path,
        line: 1,
        field: name,
      });
    }
    return i;
  });
}

/** Parses "70 80 82 ..." straight into bytes; the error names the first bad token. */
function parsePixels(text: string, out: Uint8Array, path: string, line: number): void {
  let count = 0;
  let value = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (c >= 48 && c <= 57) {
      value = value < 0 ? c - 48 : value * 10 + (c - 48);
      if (value > 255) throw new DatasetError(`malformed pixel row: value above 255 at pixel ${count + 1}`, { path, line, field: 'pixels' });
    } else if (c === 32 || c === 9) {
      if (value >= 0) {
        if (count < CSV_PIXELS) out[count] = value;
        count++;
        value = -1;
      }
    } else {
      const token = text.slice(i, i + 12).split(' ')[0];
      throw new DatasetError(`malformed pixel row: "${token}" at pixel ${count + 1} is not a number 0-255`, { path, line, field: 'pixels' });
    }
  }
  if (count !== CSV_PIXELS) {
    throw new DatasetError(`wrong pixel count: ${count} values, expected ${CSV_PIXELS} (${CSV_SIDE}x${CSV_SIDE})`, { path, line, field: 'pixels' });
  }
}

/** Reads fer2013.csv (emotion, pixels, Usage), optionally relabelled by FER+'s fer2013new.csv. */
export async function readFer2013Csv(
  path: string,
  options: { size: number; ferPlus?: string; onProgress?: (done: number, total: number) => void },
): Promise<CsvDataset> {
  const { size } = options;
  const fileBytes = statSync(path).size;
  const name = basename(path);
  const sample = size * size;
  let capacity = 1024;
  let pixels = new Uint8Array(capacity * sample);
  const labels: number[] = [];
  const splits: number[] = [];
  const usages: string[] = [];
  const files: string[] = [];
  const row = new Uint8Array(CSV_PIXELS);
  let columns: number[] | undefined;

  await forEachRow(
    path,
    ({ record, line }) => {
      if (!columns) {
        columns = headerIndex(path, record, ['emotion', 'pixels', 'Usage']);
        return;
      }
      const [ei, pi, ui] = columns as [number, number, number];
      const emotion = (record[ei] ?? '').trim();
      const label = /^\d+$/.test(emotion) ? Number(emotion) : -1;
      if (label < 0 || label >= FER_CLASSES.length) {
        throw new DatasetError(`unknown label value "${emotion}" (expected 0-${FER_CLASSES.length - 1}: ${FER_CLASSES.join(', ')})`, {
          path,
          line,
          field: 'emotion',
        });
      }
      const usage = (record[ui] ?? '').trim();
      const split = USAGE_TO_SPLIT[usage];
      if (!split) {
        throw new DatasetError(`unknown Usage value "${usage}" (expected Training, PublicTest or PrivateTest)`, { path, line, field: 'Usage' });
      }
      parsePixels(record[pi] ?? '', row, path, line);
      const n = labels.length;
      if (n === capacity) {
        capacity *= 2;
        const grown = new Uint8Array(capacity * sample);
        grown.set(pixels);
        pixels = grown;
      }
      resizeGray(row, CSV_SIDE, CSV_SIDE, pixels, n * sample, size, size);
      labels.push(label);
      splits.push(SPLITS.indexOf(split));
      usages.push(usage);
      files.push(`${name}:${line}`);
    },
    (bytes) => options.onProgress?.(bytes, fileBytes),
  );
  if (!columns) throw new DatasetError('the CSV is empty (expected a header: emotion,pixels,Usage)', { path, line: 1 });
  if (labels.length === 0) throw new DatasetError('the CSV has a header but no data rows', { path, line: 2 });

  let result: CsvDataset = {
    pixels: pixels.slice(0, labels.length * sample),
    labels: Uint8Array.from(labels),
    splits: Uint8Array.from(splits),
    files,
    classNames: classList([]),
  };
  if (options.ferPlus) result = await applyFerPlus(result, usages, path, options.ferPlus, sample);
  return result;
}

/** Replaces the FER2013 labels with FER+ majority votes, row by row, dropping unusable rows. */
async function applyFerPlus(base: CsvDataset, usages: string[], csvPath: string, ferPath: string, sample: number): Promise<CsvDataset> {
  try {
    statSync(ferPath);
  } catch {
    throw new DatasetError('FER+ file does not exist', { path: ferPath });
  }
  const classNames = classList(['contempt']);
  const votes: Array<{ votes: number[]; usage: string; line: number }> = [];
  let columns: number[] | undefined;
  let usageColumn = -1;
  await forEachRow(ferPath, ({ record, line }) => {
    if (!columns) {
      columns = headerIndex(ferPath, record, FERPLUS_COLUMNS);
      usageColumn = headerIndex(ferPath, record, ['Usage'])[0] as number;
      return;
    }
    const row = columns.map((c, k) => {
      const text = (record[c] ?? '').trim();
      if (!/^\d+$/.test(text)) {
        throw new DatasetError(`vote count "${text}" is not a whole number`, { path: ferPath, line, field: FERPLUS_COLUMNS[k] });
      }
      return Number(text);
    });
    votes.push({ votes: row, usage: (record[usageColumn] ?? '').trim(), line });
  });
  if (!columns) throw new DatasetError(`the FER+ file is empty (expected a header with ${FERPLUS_COLUMNS.join(', ')})`, { path: ferPath, line: 1 });
  const n = base.labels.length;
  if (votes.length !== n) {
    throw new DatasetError(`row count does not match: ${votes.length} data rows, but ${basename(csvPath)} has ${n}; FER+ labels rows one-to-one`, {
      path: ferPath,
    });
  }
  const keep: number[] = [];
  const labels: number[] = [];
  const dropped = { unknown: 0, notAFace: 0, noMajority: 0 };
  for (let i = 0; i < n; i++) {
    const v = votes[i] as { votes: number[]; usage: string; line: number };
    if (v.usage !== usages[i]) {
      throw new DatasetError(`Usage "${v.usage}" does not match "${usages[i]}" at ${base.files[i]}; the files are not aligned`, {
        path: ferPath,
        line: v.line,
        field: 'Usage',
      });
    }
    const vote = ferPlusMajority(v.votes);
    if ('dropped' in vote) dropped[vote.dropped]++;
    else {
      keep.push(i);
      labels.push(classNames.indexOf(vote.label));
    }
  }
  const pixels = new Uint8Array(keep.length * sample);
  keep.forEach((src, dst) => pixels.set(base.pixels.subarray(src * sample, (src + 1) * sample), dst * sample));
  return {
    pixels,
    labels: Uint8Array.from(labels),
    splits: Uint8Array.from(keep.map((i) => base.splits[i] as number)),
    files: keep.map((i) => base.files[i] as string),
    classNames,
    ferPlus: { kept: keep.length, dropped },
  };
}
