import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../../../src-main/data/decode-pool.ts';
import { compileTurbo, decodeInto } from '../../../src-main/data/image-decode.mjs';
import { Worker } from 'node:worker_threads';
import { encodeImage, makeGray, tempDir } from '../../helpers/dataset-fixtures.ts';

describe('decodeFiles', () => {
  it('puts every file in its own slot across several workers, with hashes, and lists failures', async () => {
    const dir = tempDir('fer-pool-');
    const paths: string[] = [];
    const buffers: Buffer[] = [];
    for (let i = 0; i < 70; i++) {
      const p = join(dir, `${i}.jpg`);
      const buf = await encodeImage(makeGray(48, 48, i), 48, 48, 'jpg');
      if (i === 33) writeFileSync(p, 'broken');
      else writeFileSync(p, buf);
      paths.push(p);
      buffers.push(buf);
    }
    paths.push(join(dir, 'missing.jpg'));
    const progress: number[] = [];
    const result = await decodeFiles(paths, { size: 48, workers: 3, onProgress: (done) => progress.push(done) });
    expect(result.failures.map((f) => f.index)).toEqual([33, 70]);
    expect(result.failures[0]?.reason).toMatch(/not an image/);
    expect(result.failures[1]?.reason).toMatch(/unreadable.*ENOENT/);
    expect(progress.at(-1)).toBe(71);
    for (const i of [0, 17, 45, 69]) {
      const expected = new Uint8Array(2304);
      await decodeInto(buffers[i] as Buffer, expected, 0, 48);
      expect(result.pixels.subarray(i * 2304, (i + 1) * 2304)).toEqual(expected);
      expect(result.hashes[2 * i]).not.toBe(0);
    }
    // Distinct images hash differently.
    expect(result.hashes[0]).not.toBe(result.hashes[2]);
  });

  it('decodes in the calling thread with workers: 0, to the same result', async () => {
    const dir = tempDir('fer-pool-inline-');
    const paths: string[] = [];
    for (let i = 0; i < 20; i++) {
      const p = join(dir, `${i}.jpg`);
      writeFileSync(p, i === 4 ? '' : await encodeImage(makeGray(48, 48, i), 48, 48, 'jpg'));
      paths.push(p);
    }
    const inline = await decodeFiles(paths, { size: 48, workers: 0 });
    const pooled = await decodeFiles(paths, { size: 48, workers: 2 });
    expect(inline.pixels).toEqual(pooled.pixels);
    expect(inline.hashes).toEqual(pooled.hashes);
    expect(inline.meta).toEqual(pooled.meta);
    expect(inline.failures).toEqual(pooled.failures);
    expect(inline.failures).toEqual([{ index: 4, reason: 'empty file (0 bytes)' }]);
  });

  it('returns empty results for no files', async () => {
    const result = await decodeFiles([], { size: 48 });
    expect(result.pixels.length).toBe(0);
    expect(result.failures).toEqual([]);
  });
});

describe('shared libjpeg-turbo module', () => {
  it('compiles once and instantiates in a fresh worker thread', async () => {
    const module = await compileTurbo();
    expect(module).toBeInstanceOf(WebAssembly.Module);
    const url = new URL('../../../src-main/data/image-decode.mjs', import.meta.url).href;
    const worker = new Worker(
      `import { parentPort, workerData } from 'node:worker_threads';
       const m = await import(workerData.url);
       m.useCompiledTurbo(workerData.module);
       parentPort.postMessage(await m.turboAvailable());`,
      { eval: true, execArgv: [], workerData: { url, module } },
    );
    const available = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(available).toBe(true);
  });
});
