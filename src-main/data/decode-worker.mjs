// Worker thread: decodes batches of image files straight into the shared buffers, so no sample is
// copied between threads. Protocol (the parent side is decode-pool.ts):
//   in:  { start, paths }            decode paths[k] into sample slot start + k
//   out: { start, count, failures }  failures: [{ index, reason }] for files that were skipped
// Per sample it also leaves, in shared memory, the file's size and mtime (from fstat on the open file,
// which a read needs anyway, so the import can skip a separate stat pass) and the pixel sum and sum of
// squares (so the report's mean/std need no second pass over the pixels).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeInto, digestSample } from './image-decode.mjs';

const { pixels: pixelBuffer, hashes: hashBuffer, meta: metaBuffer, size } = workerData;
const pixels = new Uint8Array(pixelBuffer);
const hashes = new Uint32Array(hashBuffer);
const meta = new Float64Array(metaBuffer);
const sampleBytes = size * size;
/** Reused for every file that fits: FER2013 JPEGs are ~1-2 KB, so steady state allocates nothing. */
let scratch = new Uint8Array(256 * 1024);

/** @param {string} path @param {number} index */
function readFile(path, index) {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    meta[4 * index] = st.size;
    meta[4 * index + 1] = st.mtimeMs;
    if (st.size > scratch.length) scratch = new Uint8Array(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, scratch, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return scratch.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

parentPort.on('message', async (/** @type {{ start: number, paths: string[] }} */ batch) => {
  const failures = [];
  for (let k = 0; k < batch.paths.length; k++) {
    const index = batch.start + k;
    const offset = index * sampleBytes;
    let reason;
    try {
      const buf = readFile(/** @type {string} */ (batch.paths[k]), index);
      reason = await decodeInto(buf, pixels, offset, size);
    } catch (err) {
      reason = `unreadable (${err instanceof Error ? err.message : String(err)})`;
    }
    if (reason === undefined) {
      digestSample(pixels, offset, sampleBytes, hashes, index, meta, 4 * index + 2);
    } else failures.push({ index, reason });
  }
  parentPort.postMessage({ start: batch.start, count: batch.paths.length, failures });
});
