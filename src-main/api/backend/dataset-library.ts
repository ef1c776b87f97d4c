/**
 * The workbench's list of imported datasets: a small JSON file in the home folder (never in the
 * dataset folder) remembering what was imported and how, plus decoded datasets held in memory.
 * Decoding again after a restart hits the importer's own cache, so this stays cheap.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importDataset } from '../../data/import-dataset.ts';
import { SPLITS, type FerDataset, type ImportReport } from '../../data/types.ts';
import { ApiError } from '../contract.ts';
import type { DatasetDetail, DatasetSamples, DatasetSummary, SplitName } from '../types.ts';

export interface LibraryEntry {
  id: string;
  name: string;
  source: string;
  size: number;
  ferPlus?: string;
  valFraction?: number;
  seed?: number;
  importedAt: string;
}

interface Loaded {
  dataset: FerDataset;
  report: ImportReport;
}

export const LIBRARY_FILE = join('workbench', 'datasets.json');

export class DatasetLibrary {
  private readonly file: string;
  private entries: LibraryEntry[];
  private readonly loaded = new Map<string, Loaded>();

  constructor(private readonly home: string) {
    this.file = join(home, LIBRARY_FILE);
    this.entries = this.read();
  }

  private read(): LibraryEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed)) throw new Error('not a list');
      return parsed as LibraryEntry[];
    } catch (err) {
      throw new ApiError(`the dataset list ${this.file} is corrupt (${(err as Error).message}); move it away to start a new list`, 'internal');
    }
  }

  private write(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    // Write-then-rename, so a crash mid-write never leaves a truncated list.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.entries, null, 2)}\n`);
    renameSync(tmp, this.file);
  }

  list(): LibraryEntry[] {
    return [...this.entries];
  }

  entry(id: string): LibraryEntry {
    const e = this.entries.find((x) => x.id === id);
    if (!e) throw new ApiError(`no imported dataset with id ${id}; import it in Datasets first`, 'not-found');
    return e;
  }

  async import(
    source: string,
    options: { size?: number; ferPlus?: string; valFraction?: number; seed?: number },
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ entry: LibraryEntry; loaded: Loaded }> {
    const size = options.size ?? 48;
    const { dataset, report } = await importDataset(source, {
      home: this.home,
      size,
      ferPlus: options.ferPlus,
      valFraction: options.valFraction,
      seed: options.seed,
      onProgress,
    });
    const entry: LibraryEntry = {
      id: dataset.fingerprint,
      name: dataset.name,
      source: dataset.source,
      size,
      ...(options.ferPlus ? { ferPlus: options.ferPlus } : {}),
      ...(options.valFraction !== undefined ? { valFraction: options.valFraction } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      importedAt: new Date().toISOString(),
    };
    this.entries = [...this.entries.filter((e) => e.id !== entry.id), entry];
    this.write();
    const loaded = { dataset, report };
    this.loaded.set(entry.id, loaded);
    return { entry, loaded };
  }

  async load(id: string): Promise<Loaded & { entry: LibraryEntry }> {
    const entry = this.entry(id);
    let loaded = this.loaded.get(id);
    if (!loaded) {
      loaded = await importDataset(entry.source, {
        home: this.home,
        size: entry.size,
        ferPlus: entry.ferPlus,
        valFraction: entry.valFraction,
        seed: entry.seed,
      });
      this.loaded.set(id, loaded);
    }
    return { ...loaded, entry };
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    this.loaded.delete(id);
    if (this.entries.length === before) return false;
    this.write();
    return true;
  }
}

function countsOf(report: ImportReport): Record<SplitName, number[]> {
  const out = {} as Record<SplitName, number[]>;
  for (const split of SPLITS) out[split] = report.classNames.map((c) => report.counts[split]?.[c] ?? 0);
  return out;
}

export function datasetSummary(entry: LibraryEntry, report: ImportReport): DatasetSummary {
  return {
    id: entry.id,
    name: report.name,
    source: report.source,
    format: report.format,
    classNames: report.classNames,
    height: report.height,
    width: report.width,
    total: report.total,
    counts: countsOf(report),
    importedAt: entry.importedAt,
  };
}

export function datasetDetail(entry: LibraryEntry, report: ImportReport): DatasetDetail {
  return {
    ...datasetSummary(entry, report),
    pixelMean: report.pixels.all.mean,
    pixelStd: report.pixels.all.std,
    skipped: report.skipped,
    crossSplitDuplicates: report.duplicates.crossSplitImages,
    duplicateExamples: report.duplicates.crossSplit.slice(0, 50).map((g) => ({
      splits: [...new Set(g.files.map((f) => f.split))],
      files: g.files.map((f) => f.file),
    })),
    warnings: report.warnings,
  };
}

/** One sample's pixels as base64 (what FaceImage carries). */
export function facePixels(ds: FerDataset, index: number): string {
  const n = ds.height * ds.width;
  return Buffer.from(ds.pixels.subarray(index * n, (index + 1) * n)).toString('base64');
}

/** The first `perClass` samples of each class in a split (file order, so the grid is stable). */
export function datasetSamples(id: string, ds: FerDataset, split: SplitName, perClass: number): DatasetSamples {
  const splitIndex = SPLITS.indexOf(split);
  const groups = ds.classNames.map((_, classIndex) => ({ classIndex, samples: [] as DatasetSamples['perClass'][number]['samples'] }));
  for (let i = 0; i < ds.labels.length; i++) {
    if (ds.splits[i] !== splitIndex) continue;
    const g = groups[ds.labels[i] as number];
    if (!g || g.samples.length >= perClass) continue;
    g.samples.push({ width: ds.width, height: ds.height, pixels: facePixels(ds, i), file: ds.files[i] ?? String(i) });
  }
  return { datasetId: id, classNames: ds.classNames, perClass: groups };
}
