// Worker thread entry for decode-pool.ts: decodes batches straight into the shared buffers, so no
// sample is copied between threads.
//   in:  { start, paths }            decode paths[k] into sample slot start + k
//   out: { start, count, failures }  failures: [{ index, reason }] for files that were skipped
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBatch, useCompiledTurbo } from './image-decode.mjs';

if (workerData.turboWasm) useCompiledTurbo(workerData.turboWasm);

const shared = {
  pixels: new Uint8Array(workerData.pixels),
  hashes: new Uint32Array(workerData.hashes),
  meta: new Float64Array(workerData.meta),
  size: workerData.size,
};

parentPort.on('message', async (/** @type {{ start: number, paths: string[] }} */ batch) => {
  const failures = await decodeBatch(shared, batch.start, batch.paths);
  parentPort.postMessage({ start: batch.start, count: batch.paths.length, failures });
});
