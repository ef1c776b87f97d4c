/**
 * Small datasets generated at test time (never copies of FER2013): synthetic "faces" with a pattern
 * per seed, so no two fixtures images are identical unless a test makes them so.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import jpeg from 'jpeg-js';
import bmp from 'bmp-js';
import sharp from 'sharp';
import { seededRandom } from '../../src-main/data/seeded-random.ts';
import { FER_CLASSES } from '../../src-main/data/types.ts';

export type ImageFormat = 'jpg' | 'png' | 'bmp';

export function tempDir(prefix = 'fer-fixture-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A deterministic grayscale test image: smooth waves plus noise, different for every seed. */
export function makeGray(width: number, height: number, seed: number): Uint8Array {
  const random = seededRandom(seed * 2654435761);
  const fx = 0.1 + random() * 0.4;
  const fy = 0.1 + random() * 0.4;
  const phase = random() * 6.28;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 128 + 70 * Math.sin(x * fx + phase) * Math.cos(y * fy - phase) + (random() - 0.5) * 30;
      out[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return out;
}

/** RGB version of makeGray with a colour tint, for "any colour" inputs. */
export function makeRgb(width: number, height: number, seed: number): Uint8Array {
  const gray = makeGray(width, height, seed);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < gray.length; i++) {
    const g = gray[i] as number;
    out[3 * i] = Math.min(255, g + 40);
    out[3 * i + 1] = g;
    out[3 * i + 2] = Math.max(0, g - 40);
  }
  return out;
}

/** Encodes gray (1 channel) or RGB (3 channels) pixels. */
export async function encodeImage(pixels: Uint8Array, width: number, height: number, format: ImageFormat): Promise<Buffer> {
  const channels = pixels.length / (width * height);
  if (format === 'png') return sharp(Buffer.from(pixels), { raw: { width, height, channels: channels as 1 | 3 } }).png().toBuffer();
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const r = pixels[i * channels] as number;
    const g = pixels[i * channels + (channels === 3 ? 1 : 0)] as number;
    const b = pixels[i * channels + (channels === 3 ? 2 : 0)] as number;
    if (format === 'jpg') rgba.set([r, g, b, 255], i * 4);
    else rgba.set([0, b, g, r], i * 4); // bmp-js wants ABGR
  }
  if (format === 'jpg') return jpeg.encode({ data: rgba, width, height }, 95).data;
  return bmp.encode({ data: rgba, width, height }).data;
}

export async function writeImage(path: string, pixels: Uint8Array, width: number, height: number, format: ImageFormat): Promise<void> {
  writeFileSync(path, await encodeImage(pixels, width, height, format));
}

export interface KaggleFolderOptions {
  /** Train images per class (default 6). */
  perClass?: number;
  /** Images per class in test/ (default 2). */
  testPerClass?: number;
  /** Image side (default 48). */
  size?: number;
  /** 'official': test files are PublicTest_/PrivateTest_ (half each); 'none': plain names. Default 'official'. */
  prefix?: 'official' | 'none';
  /** Folder name per class (default the canonical names); use to test synonyms and case. */
  classFolders?: Partial<Record<(typeof FER_CLASSES)[number], string>>;
  seed?: number;
}

/** A Kaggle-style FER2013 folder: <root>/train/<class>/Training_N.jpg and <root>/test/<class>/... */
export async function makeKaggleFolder(root: string, options: KaggleFolderOptions = {}): Promise<{ root: string; files: number }> {
  const { perClass = 6, testPerClass = 2, size = 48, prefix = 'official' } = options;
  let seed = options.seed ?? 1000;
  let files = 0;
  for (const cls of FER_CLASSES) {
    const folder = options.classFolders?.[cls] ?? cls;
    for (const [split, count] of [['train', perClass], ['test', testPerClass]] as const) {
      const dir = join(root, split, folder);
      mkdirSync(dir, { recursive: true });
      for (let k = 0; k < count; k++) {
        const name =
          split === 'train'
            ? `Training_${seed}.jpg`
            : prefix === 'none'
              ? `img_${seed}.jpg`
              : `${k % 2 === 0 ? 'PublicTest' : 'PrivateTest'}_${seed}.jpg`;
        await writeImage(join(dir, name), makeGray(size, size, seed), size, size, 'jpg');
        seed++;
        files++;
      }
    }
  }
  return { root, files };
}

export interface ClassFolderOptions {
  /** Images per folder name. */
  classes: Record<string, number>;
  /** Formats used in turn (default jpg, png, bmp). */
  formats?: ImageFormat[];
  /** Sizes used in turn as [width, height] (default mixed, non-square, larger than 48). */
  sizes?: Array<[number, number]>;
  /** Colour images every other file (default true). */
  color?: boolean;
  seed?: number;
}

/** A generic folder of class subfolders in mixed formats, sizes and colour (like CK+ or JAFFE exports). */
export async function makeClassFolders(root: string, options: ClassFolderOptions): Promise<{ root: string; files: number }> {
  const formats = options.formats ?? ['jpg', 'png', 'bmp'];
  const sizes = options.sizes ?? [[64, 64], [100, 80], [48, 48], [37, 52]];
  const color = options.color ?? true;
  let seed = options.seed ?? 5000;
  let files = 0;
  for (const [name, count] of Object.entries(options.classes)) {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (let k = 0; k < count; k++) {
      const format = formats[files % formats.length] as ImageFormat;
      const [w, h] = sizes[files % sizes.length] as [number, number];
      const pixels = color && files % 2 === 1 ? makeRgb(w, h, seed) : makeGray(w, h, seed);
      await writeImage(join(dir, `img_${seed}.${format}`), pixels, w, h, format);
      seed++;
      files++;
    }
  }
  return { root, files };
}

export interface CsvRowSpec {
  emotion: number | string;
  usage: string;
  /** Pixel values; default a generated 48x48 image. */
  pixels?: Uint8Array | string;
}

/** Writes a fer2013.csv-style file (header emotion,pixels,Usage) and returns the generated pixels per row. */
export function makeFer2013Csv(path: string, rows: CsvRowSpec[], options: { header?: string; seed?: number } = {}): Uint8Array[] {
  const seed = options.seed ?? 9000;
  const images: Uint8Array[] = [];
  const lines = [options.header ?? 'emotion,pixels,Usage'];
  rows.forEach((row, i) => {
    const pixels = row.pixels ?? makeGray(48, 48, seed + i);
    if (typeof pixels !== 'string') images.push(pixels);
    lines.push(`${row.emotion},${typeof pixels === 'string' ? pixels : Array.from(pixels).join(' ')},${row.usage}`);
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
  return images;
}

/** Rows for makeFer2013Csv: `perClass` rows of every FER label in each of the three official splits. */
export function ferCsvRows(perClass: number): CsvRowSpec[] {
  const rows: CsvRowSpec[] = [];
  for (const usage of ['Training', 'PublicTest', 'PrivateTest']) {
    for (let label = 0; label < FER_CLASSES.length; label++) for (let k = 0; k < perClass; k++) rows.push({ emotion: label, usage });
  }
  return rows;
}

/** Writes a fer2013new.csv-style FER+ file: one row of 10 vote counts per entry. */
export function makeFerPlusCsv(path: string, rows: Array<{ usage: string; votes: number[] }>): void {
  const header = 'Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF';
  const lines = rows.map((r, i) => `${r.usage},fer${String(i).padStart(7, '0')}.png,${r.votes.join(',')}`);
  writeFileSync(path, `${[header, ...lines].join('\n')}\n`);
}

/** Every file under dir with size and mtime: compare before/after to prove nothing was written. */
export function snapshotTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      out.push(`${relative(dir, p)}|${st.isDirectory() ? 'dir' : st.size}|${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}
