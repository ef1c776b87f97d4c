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
