import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { resolveHome } from '../home.ts';
import { carveSplits } from './carve-splits.ts';
import { readFer2013Csv } from './csv-import.ts';
import { DatasetError } from './dataset-error.ts';
import { cacheFileFor, fingerprintOf, prefetchCache, writeCache } from './dataset-cache.ts';
import { countSamples, findDuplicates, pixelStats } from './dataset-report.ts';
import { decodeFiles } from './decode-pool.ts';
import { digestSample } from './image-decode.mjs';
import { statEntries } from './stat-files.ts';
import { NOT_STATED, scanSource, type CsvPlan, type FileEntry, type FolderPlan } from './scan-source.ts';
import { SPLITS, type FerDataset, type ImportOptions, type ImportReport, type ImportResult, type SkippedFile } from './types.ts';

const TRAIN = SPLITS.indexOf('train');

interface Resolved {
  size: number;
  seed: number;
  valFraction: number;
  testFraction: number;
  ferPlus: string | undefined;
}

function resolveOptions(source: string, o: ImportOptions): Resolved {
  const size = o.size ?? 48;
  const seed = o.seed ?? 1;
  const valFraction = o.valFraction ?? 0.1;
  const testFraction = o.testFraction ?? 0.1;
  const bad = (field: string, why: string): never => {
    throw new DatasetError(`invalid option ${field}: ${why}`, { path: source, field });
  };
  if (!Number.isInteger(size) || size < 4 || size > 1024) bad('size', `${size} (expected a whole number 4-1024)`);
  if (!Number.isInteger(seed)) bad('seed', `${seed} (expected a whole number)`);
  if (!(valFraction >= 0 && valFraction < 1)) bad('valFraction', `${valFraction} (expected 0 <= f < 1)`);
  if (!(testFraction >= 0 && testFraction < 1)) bad('testFraction', `${testFraction} (expected 0 <= f < 1)`);
  if (valFraction + testFraction >= 1) bad('valFraction', 'valFraction + testFraction must be below 1');
  return { size, seed, valFraction, testFraction, ferPlus: o.ferPlus ? resolve(o.ferPlus) : undefined };
}

/** Statistics and leakage checks shared by every source kind. */
function buildReport(
  ds: FerDataset,
  hashes: Uint32Array,
  sums: Float64Array | undefined,
  extra: Pick<ImportReport, 'splitOrigin' | 'skipped' | 'warnings' | 'ferPlus'>,
  cache: ImportReport['cache'],
): ImportReport {
  const { counts, splitTotals } = countSamples(ds);
  const warnings = [...extra.warnings];
  for (const split of SPLITS) if (splitTotals[split] === 0) warnings.push(`the ${split} split is empty`);
  return {
    name: ds.name,
    source: ds.source,
    format: ds.format,
    height: ds.height,
    width: ds.width,
    classNames: ds.classNames,
    total: ds.labels.length,
    counts,
    splitTotals,
    splitOrigin: extra.splitOrigin,
    pixels: pixelStats(ds, sums),
    skipped: extra.skipped,
    warnings,
    duplicates: findDuplicates(ds, hashes),
    ...(extra.ferPlus ? { ferPlus: extra.ferPlus } : {}),
    fingerprint: ds.fingerprint,
    cache,
    timings: { totalMs: 0, scanMs: 0, decodeMs: 0 },
  };
}

async function importFolder(
  plan: FolderPlan,
  opts: Resolved,
  fingerprint: (entries: readonly FileEntry[]) => string,
  o: ImportOptions,
): Promise<{ ds: FerDataset; hashes: Uint32Array; sums: Float64Array; skipped: SkippedFile[] }> {
  const { size } = opts;
  const sample = size * size;
  const decoded = await decodeFiles(
    plan.items.map((i) => join(plan.root, i.rel)),
    { size, workers: o.workers, onProgress: o.onProgress },
  );
  const skipped = [...plan.skipped, ...decoded.failures.map((f) => ({ file: plan.items[f.index]?.rel ?? '?', reason: f.reason }))];
  const failed = new Set(decoded.failures.map((f) => f.index));
  const n = plan.items.length - failed.size;
  // Compact the kept samples into plain (non-shared) arrays: consumers may transfer or hand them to tfjs.
  const pixels = new Uint8Array(n * sample);
  const hashes = new Uint32Array(n * 2);
  const sums = new Float64Array(n * 2);
  const labels = new Uint8Array(n);
  const splits = new Uint8Array(n);
  const files: string[] = new Array<string>(n);
  const carve: number[] = [];
  // Common case (nothing skipped): one bulk copy instead of one per sample.
  if (failed.size === 0) pixels.set(decoded.pixels);
  let k = 0;
  plan.items.forEach((item, i) => {
    if (item.size === NOT_STATED) {
      // Not stat'ed by the scan: the worker recorded size and mtime from the open file.
      item.size = decoded.meta[4 * i] as number;
      item.mtimeMs = decoded.meta[4 * i + 1] as number;
    }
    if (failed.has(i)) return;
    if (failed.size > 0) pixels.set(decoded.pixels.subarray(i * sample, (i + 1) * sample), k * sample);
    hashes[2 * k] = decoded.hashes[2 * i] as number;
    hashes[2 * k + 1] = decoded.hashes[2 * i + 1] as number;
    sums[2 * k] = decoded.meta[4 * i + 2] as number;
    sums[2 * k + 1] = decoded.meta[4 * i + 3] as number;
    labels[k] = plan.classNames.indexOf(item.className);
    if (item.split === 'carve') {
      splits[k] = TRAIN;
      carve.push(k);
    } else splits[k] = SPLITS.indexOf(item.split);
    files[k] = item.rel;
    k++;
  });
  if (n === 0) {
    throw new DatasetError(`none of the ${plan.items.length} files could be decoded (first: ${skipped[0]?.file}: ${skipped[0]?.reason})`, { path: plan.root });
  }
  carveSplits(carve, labels, splits, {
    seed: opts.seed,
    valFraction: plan.carve.val ? opts.valFraction : 0,
    testFraction: plan.carve.test ? opts.testFraction : 0,
  });
  const ds: FerDataset = {
    name: basename(plan.root),
    source: plan.root,
    format: plan.format,
    height: size,
    width: size,
    classNames: plan.classNames,
    pixels,
    labels,
    splits,
    files,
    fingerprint: fingerprint(plan.items),
  };
  return { ds, hashes, sums, skipped };
}

async function importCsv(plan: CsvPlan, opts: Resolved, fingerprint: string, o: ImportOptions): Promise<{ ds: FerDataset; hashes: Uint32Array; ferPlus?: ImportReport['ferPlus'] }> {
  const csv = await readFer2013Csv(plan.csvPath, { size: opts.size, ferPlus: opts.ferPlus, onProgress: o.onProgress });
  const sample = opts.size * opts.size;
  const n = csv.labels.length;
  const hashes = new Uint32Array(n * 2);
  for (let i = 0; i < n; i++) digestSample(csv.pixels, i * sample, sample, hashes, i);
  const ds: FerDataset = {
    name: basename(plan.csvPath).replace(/\.csv$/i, ''),
    source: plan.csvPath,
    format: 'fer2013-csv',
    height: opts.size,
    width: opts.size,
    classNames: csv.classNames,
    pixels: csv.pixels,
    labels: csv.labels,
    splits: csv.splits,
    files: csv.files,
    fingerprint,
  };
  const ferPlus = csv.ferPlus && opts.ferPlus ? { file: opts.ferPlus, ...csv.ferPlus } : undefined;
  return { ds, hashes, ferPlus };
}

/**
 * Imports a FER dataset (Kaggle folders, fer2013.csv with optional FER+ labels, or generic class
 * folders) into one compact in-memory dataset plus a report. Decoded datasets are cached in the
 * app's home folder, keyed by a fingerprint of the source; the source folder is only ever read.
 */
export async function importDataset(source: string, options: ImportOptions = {}): Promise<ImportResult> {
  const started = performance.now();
  const root = resolve(source);
  const opts = resolveOptions(root, options);
  const useCache = options.useCache ?? true;
  const cacheFile = useCache ? cacheFileFor(resolveHome(options.home), root, opts) : undefined;
  // Read the cache in the background while the scan below stats every file for the fingerprint.
  const prefetched = cacheFile ? prefetchCache(cacheFile) : undefined;
  // The scan only lists files. With a cache to check, sizes and mtimes are stat'ed next;
  // without one, the decode workers record them from the files they open and the fingerprint is
  // computed afterwards.
  const plan = scanSource(root);
  if (useCache && plan.format !== 'fer2013-csv') statEntries(plan.root, plan.items);
  if (opts.ferPlus && plan.format !== 'fer2013-csv') {
    throw new DatasetError(`a FER+ file applies to fer2013.csv only, but this is a ${plan.format} dataset`, { path: opts.ferPlus, field: 'ferPlus' });
  }
  const keyOptions = { ...opts, format: plan.format };
  const csvEntries: FileEntry[] = [];
  if (plan.format === 'fer2013-csv') {
    csvEntries.push(plan.entry);
    if (opts.ferPlus) {
      try {
        const st = statSync(opts.ferPlus);
        csvEntries.push({ rel: `ferplus:${opts.ferPlus}`, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        throw new DatasetError('FER+ file does not exist', { path: opts.ferPlus, field: 'ferPlus' });
      }
    }
  }
  const scanMs = performance.now() - started;

  if (prefetched) {
    const hit = await prefetched.finish(fingerprintOf(plan.format === 'fer2013-csv' ? csvEntries : plan.items, keyOptions));
    if (hit) {
      const totalMs = performance.now() - started;
      return {
        dataset: hit.dataset,
        report: { ...hit.report, cache: { enabled: true, hit: true, file: cacheFile }, timings: { totalMs, scanMs, decodeMs: 0 } },
      };
    }
  }

  const decodeStarted = performance.now();
  let ds: FerDataset;
  let hashes: Uint32Array;
  let sums: Float64Array | undefined;
  let extra: Pick<ImportReport, 'splitOrigin' | 'skipped' | 'warnings' | 'ferPlus'>;
  if (plan.format === 'fer2013-csv') {
    const r = await importCsv(plan, opts, fingerprintOf(csvEntries, keyOptions), options);
    ds = r.ds;
    hashes = r.hashes;
    extra = {
      splitOrigin: { train: 'Usage = Training', val: 'Usage = PublicTest', test: 'Usage = PrivateTest' },
      skipped: [],
      warnings: [],
      ferPlus: r.ferPlus,
    };
  } else {
    const r = await importFolder(plan, opts, (entries) => fingerprintOf(entries, keyOptions), options);
    ds = r.ds;
    hashes = r.hashes;
    sums = r.sums;
    extra = { splitOrigin: plan.splitOrigin, skipped: r.skipped, warnings: plan.warnings };
  }
  const decodeMs = performance.now() - decodeStarted;
  const report = buildReport(ds, hashes, sums, extra, { enabled: useCache, hit: false, ...(cacheFile ? { file: cacheFile } : {}) });
  report.timings = { totalMs: performance.now() - started, scanMs, decodeMs };
  if (cacheFile) {
    try {
      writeCache(cacheFile, ds, report);
    } catch (err) {
      // A full disk or read-only home must not fail the import itself.
      report.warnings.push(`could not write the cache ${cacheFile}: ${(err as Error).message}`);
    }
  }
  return { dataset: ds, report };
}
