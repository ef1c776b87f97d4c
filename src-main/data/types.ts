/** Canonical FER2013 label order (the `emotion` column of fer2013.csv). */
export const FER_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type FerClass = (typeof FER_CLASSES)[number];

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export type DatasetFormat = 'kaggle-folders' | 'fer2013-csv' | 'class-folders';

/**
 * One decoded dataset, compact enough to hold FER2013 (35k x 48 x 48) in ~80 MB.
 * Sample i occupies pixels[i*height*width .. (i+1)*height*width).
 */
export interface FerDataset {
  /** Human-readable name, e.g. the folder name. */
  name: string;
  /** Absolute path of the folder or CSV it came from. */
  source: string;
  format: DatasetFormat;
  height: number;
  width: number;
  classNames: string[];
  /** Grayscale, row-major, N*height*width bytes. */
  pixels: Uint8Array;
  /** Class index per sample, into classNames. */
  labels: Uint8Array;
  /** Split index per sample, into SPLITS. */
  splits: Uint8Array;
  /** Source of each sample: a path relative to `source`, or `file.csv:LINE`. */
  files: string[];
  /** Fingerprint of the source (paths, sizes, mtimes and import options). */
  fingerprint: string;
}

/** A file the import could not use, and why (shown to the user, never fatal). */
export interface SkippedFile {
  /** Path relative to the dataset source. */
  file: string;
  reason: string;
}

/** Identical decoded images that occur in more than one split (train/test leakage). */
export interface DuplicateGroup {
  files: Array<{ file: string; split: Split; label: string }>;
}

export interface PixelStats {
  mean: number;
  std: number;
}

export interface ImportReport {
  name: string;
  source: string;
  format: DatasetFormat;
  height: number;
  width: number;
  classNames: string[];
  total: number;
  /** Samples per split and class name. */
  counts: Record<Split, Record<string, number>>;
  splitTotals: Record<Split, number>;
  /** Where each split came from, in words (e.g. "PublicTest_ files in test/"). */
  splitOrigin: Record<Split, string>;
  /** Mean and standard deviation of the 0..255 pixels, over all samples and per split. */
  pixels: { all: PixelStats } & Partial<Record<Split, PixelStats>>;
  skipped: SkippedFile[];
  warnings: string[];
  duplicates: {
    /** Groups of byte-identical images spanning two or more splits. */
    crossSplit: DuplicateGroup[];
    /** Images involved in those groups. */
    crossSplitImages: number;
    /** Groups of identical images within a single split. */
    withinSplitGroups: number;
    /** Cross- or within-split groups whose copies carry different labels. */
    conflictingLabelGroups: number;
  };
  /** FER+ relabelling summary, when a fer2013new.csv was given. */
  ferPlus?: {
    file: string;
    kept: number;
    dropped: { unknown: number; notAFace: number; noMajority: number };
  };
  fingerprint: string;
  cache: { enabled: boolean; hit: boolean; file?: string };
  timings: { totalMs: number; scanMs: number; decodeMs: number };
}

export interface ImportOptions {
  /** App data folder; the cache lives in <home>/cache/datasets/. Default: resolveHome(). */
  home?: string;
  /** Side of the square grayscale samples. Default 48. */
  size?: number;
  /** Seed for carved splits. Default 1. */
  seed?: number;
  /** Fraction of train carved out as val when the source has no val split. Default 0.1. */
  valFraction?: number;
  /** Fraction carved out as test for generic class folders (no splits of their own). Default 0.1. */
  testFraction?: number;
  /** FER+ relabelling file (fer2013new.csv), for fer2013.csv sources only. */
  ferPlus?: string;
  /** Read and write the decoded-dataset cache. Default true. */
  useCache?: boolean;
  /** Decode worker threads. Default: one per core, fewer for small inputs. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportResult {
  dataset: FerDataset;
  report: ImportReport;
}
