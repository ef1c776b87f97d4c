// Worker thread: decodes batches of image files straight into the shared pixel buffer, so no sample
// is copied between threads. Protocol (types in decode-protocol.ts):
//   in:  { start, paths }            decode paths[k] into sample slot start + k
//   out: { start, count, failures }  failures: [{ index, reason }] for files that were skipped
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeInto, hashSampleInto } from './image-decode.mjs';

const { pixels: pixelBuffer, hashes: hashBuffer, size } = workerData;
const pixels = new Uint8Array(pixelBuffer);
const hashes = new Uint32Array(hashBuffer);
const sampleBytes = size * size;

parentPort.on('message', async (/** @type {{ start: number, paths: string[] }} */ batch) => {
  const failures = [];
  for (let k = 0; k < batch.paths.length; k++) {
    const index = batch.start + k;
    const offset = index * sampleBytes;
    let reason;
    try {
      const buf = readFileSync(/** @type {string} */ (batch.paths[k]));
      reason = await decodeInto(buf, pixels, offset, size);
    } catch (err) {
      reason = `unreadable (${err instanceof Error ? err.message : String(err)})`;
    }
    if (reason === undefined) hashSampleInto(pixels.subarray(offset, offset + sampleBytes), hashes, index);
    else failures.push({ index, reason });
  }
  parentPort.postMessage({ start: batch.start, count: batch.paths.length, failures });
});
