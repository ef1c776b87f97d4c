import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compileTurbo, decodeBatch } from './image-decode.mjs';

/** One skipped input: its index in the request and why. */
export interface DecodeFailure {
  index: number;
  reason: string;
}

interface BatchResult {
  start: number;
  count: number;
  failures: DecodeFailure[];
}

export interface DecodeResult {
  /** N*size*size grayscale bytes; slots of failed files are left zero. */
  pixels: Uint8Array;
  /** Two uint32 words of content hash per sample (zero for failures). */
  hashes: Uint32Array;
  /** Four numbers per sample: file size, file mtimeMs, pixel sum, pixel sum of squares. */
  meta: Float64Array;
  failures: DecodeFailure[];
}

export interface DecodeOptions {
  size: number;
  /** Worker threads; default: one per core, fewer for small inputs; 0 decodes in the calling thread. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Batches keep messages few (at most one round trip per 512 files) while still balancing the load. */
const MAX_BATCH = 512;

/**
 * The worker entry beside this module: decode-worker.mjs in the sources, or decode-worker.js when a
 * bundler emitted it as its own entry (electron-vite puts entries in out/main/ and this module in
 * out/main/chunks/, hence the parent folder). Undefined when none exists (a bundle that left it
 * out): decoding then runs in the calling thread, slower but correct.
 */
function findWorkerUrl(): URL | undefined {
  for (const name of ['./decode-worker.mjs', './decode-worker.js', '../decode-worker.js']) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

export function defaultWorkerCount(files: number): number {
  return Math.max(1, Math.min(availableParallelism(), 8, Math.ceil(files / 256)));
}

/**
 * Decodes image files to size x size grayscale in worker threads that write into one
 * SharedArrayBuffer, handing out batches on demand so a slow file does not stall the others.
 */
export async function decodeFiles(paths: readonly string[], options: DecodeOptions): Promise<DecodeResult> {
  const { size } = options;
  const total = paths.length;
  const pixelBuffer = new SharedArrayBuffer(total * size * size);
  const hashBuffer = new SharedArrayBuffer(total * 8);
  const metaBuffer = new SharedArrayBuffer(total * 4 * 8);
  const failures: DecodeFailure[] = [];
  const result = (): DecodeResult => ({
    pixels: new Uint8Array(pixelBuffer),
    hashes: new Uint32Array(hashBuffer),
    meta: new Float64Array(metaBuffer),
    failures,
  });
  if (total === 0) return result();

  const workerUrl = options.workers === 0 ? undefined : findWorkerUrl();
  if (!workerUrl) {
    const shared = { pixels: new Uint8Array(pixelBuffer), hashes: new Uint32Array(hashBuffer), meta: new Float64Array(metaBuffer), size };
    for (let start = 0; start < total; start += MAX_BATCH) {
      const batch = paths.slice(start, start + MAX_BATCH);
      failures.push(...(await decodeBatch(shared, start, batch)));
      options.onProgress?.(start + batch.length, total);
    }
    return result();
  }

  const count = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(total), total));
  // Compiled once per process and shared: each worker then only instantiates it.
  const turboWasm = await compileTurbo();
  // At least ~4 batches per worker, so small imports still spread over every worker.
  const batch = Math.max(16, Math.min(MAX_BATCH, Math.ceil(total / (count * 4))));
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      const feed = (worker: Worker): void => {
        if (next >= total) {
          finished++;
          if (finished === count) resolve();
          return;
        }
        const start = next;
        next = Math.min(total, next + batch);
        worker.postMessage({ start, paths: paths.slice(start, next) });
      };
      for (let w = 0; w < count; w++) {
        // execArgv: [] because workers inherit the parent's flags, and under tsx that means loading the
        // TypeScript loader (and its hooks thread) in every worker; the worker is plain JS.
        const worker = new Worker(workerUrl, {
          execArgv: [],
          workerData: { pixels: pixelBuffer, hashes: hashBuffer, meta: metaBuffer, size, turboWasm },
        });
        workers.push(worker);
        worker.on('message', (msg: BatchResult) => {
          for (const f of msg.failures) failures.push(f);
          done += msg.count;
          options.onProgress?.(done, total);
          feed(worker);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`image decode worker exited with code ${code}`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  failures.sort((a, b) => a.index - b.index);
  return result();
}
