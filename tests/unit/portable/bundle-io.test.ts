import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, isSafeMemberPath, readBundle, writeBundle } from '../../../src-main/portable/bundle-io.ts';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fer-bundle-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const UID = 'a'.repeat(64);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Writes a tar.gz with exactly these members (manifest first when given), bypassing writeBundle's checks. */
async function craft(file: string, members: { name: string; data: Buffer }[]): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, createGzip(), createWriteStream(file));
  for (const m of members) await new Promise<void>((res, rej) => pack.entry({ name: m.name, size: m.data.length }, m.data, (e) => (e ? rej(e) : res())));
  pack.finalize();
  await done;
}

function manifest(files: { path: string; data: Buffer }[], extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ format: BUNDLE_FORMAT, version: 1, createdAt: 'now', runUid: UID, files: files.map((f) => ({ path: f.path, size: f.data.length, sha256: sha(f.data) })), ...extra }));
}

describe('run bundle container', () => {
  it('round-trips files from memory and disk with a verified manifest', async () => {
    writeFileSync(join(dir, 'w.bin'), Buffer.alloc(70_000, 7));
    const file = join(dir, 'b.ferrun');
    const m = await writeBundle(file, UID, [{ path: 'a/b.json', data: Buffer.from('{"x":1}') }, { path: 'ckpt/w.bin', file: join(dir, 'w.bin') }]);
    expect(m.files.map((f) => [f.path, f.size])).toEqual([['a/b.json', 7], ['ckpt/w.bin', 70_000]]);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const out = join(dir, 'x');
    const read = await readBundle(file, out);
    expect(read).toEqual(m);
    expect(readFileSync(join(out, 'ckpt', 'w.bin'))).toEqual(Buffer.alloc(70_000, 7));
  });

  it('refuses members outside the manifest, missing members, unsafe paths and newer formats', async () => {
    const a = { path: 'a.json', data: Buffer.from('1') };
    const cases: [string, { name: string; data: Buffer }[], RegExp][] = [
      ['extra', [{ name: 'manifest.json', data: manifest([a]) }, { name: 'a.json', data: a.data }, { name: 'evil.sh', data: Buffer.from('x') }], /'evil.sh' is not listed in the manifest/],
      ['missing', [{ name: 'manifest.json', data: manifest([a, { path: 'b.json', data: Buffer.from('2') }]) }, { name: 'a.json', data: a.data }], /missing member\(s\): b.json/],
      ['unsafe', [{ name: 'manifest.json', data: manifest([{ path: '../a.json', data: a.data }]) }, { name: '../a.json', data: a.data }], /unsafe path '..\/a.json'/],
      ['order', [{ name: 'a.json', data: a.data }, { name: 'manifest.json', data: manifest([a]) }], /first member is 'a.json'/],
      ['newer', [{ name: 'manifest.json', data: manifest([a], { version: 2 }) }, { name: 'a.json', data: a.data }], /format version 2; this FER Lab reads up to 1/],
      ['foreign', [{ name: 'manifest.json', data: Buffer.from('{"format":"zip"}') }], /is not a FER Lab run bundle/],
      ['size', [{ name: 'manifest.json', data: manifest([a]) }, { name: 'a.json', data: Buffer.from('12') }], /'a.json' is larger than the manifest says/],
    ];
    for (const [name, members, message] of cases) {
      const file = join(dir, `${name}.ferrun`);
      await craft(file, members);
      const out = join(dir, `out-${name}`);
      await expect(readBundle(file, out), name).rejects.toThrow(message);
      expect(existsSync(out), `${name} leaves no extracted files`).toBe(false);
    }
  });

  it('accepts only relative POSIX member paths', () => {
    expect(isSafeMemberPath('checkpoints/best/weights.bin')).toBe(true);
    for (const p of ['/etc/passwd', '../x', 'a/../b', 'a\\b', 'a//b', './a', '']) expect(isSafeMemberPath(p), p).toBe(false);
  });
});
