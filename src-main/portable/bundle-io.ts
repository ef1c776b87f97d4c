/**
 * The run bundle container: a gzip-compressed tar whose first entry is `manifest.json`, listing
 * every other file with its size and SHA-256. Reading verifies each file against the manifest as it
 * streams out, and refuses a bundle with a missing, extra, changed, oversized or unsafely named file,
 * so a truncated download or an edited bundle never reaches the run store.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { z } from 'zod';

export const BUNDLE_FORMAT = 'fer-lab-run-bundle';
export const BUNDLE_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';

export class BundleError extends Error {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BundleError';
  }
}

const fileEntry = z.strictObject({
  path: z.string().min(1),
  size: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.int(),
  createdAt: z.string(),
  /** Identity of the run across homes (duplicate detection on import). */
  runUid: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.array(fileEntry),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof fileEntry>;

/** A bundle member: bytes in memory or a file on disk. */
export interface BundleSource {
  path: string;
  data?: Buffer;
  file?: string;
}

/** Relative POSIX paths only: no absolute paths, no `..`, no backslashes, no empty segments. */
export function isSafeMemberPath(p: string): boolean {
  if (p.length > 400 || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

async function hashOf(src: BundleSource): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  if (src.data) return { size: src.data.length, sha256: h.update(src.data).digest('hex') };
  let size = 0;
  for await (const chunk of createReadStream(src.file as string)) {
    size += (chunk as Buffer).length;
    h.update(chunk as Buffer);
  }
  return { size, sha256: h.digest('hex') };
}

/** Writes the bundle to `file` (via a temporary file renamed into place, so a crash leaves no half bundle). */
export async function writeBundle(file: string, runUid: string, sources: BundleSource[]): Promise<Manifest> {
  for (const s of sources) {
    if (!isSafeMemberPath(s.path) || s.path === MANIFEST_NAME) throw new BundleError(`internal error: bad bundle member name '${s.path}'`, file);
  }
  const files: ManifestFile[] = [];
  for (const s of sources) files.push({ path: s.path, ...(await hashOf(s)) });
  const manifest: Manifest = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, createdAt: new Date().toISOString(), runUid, files };
  const pack = tar.pack();
  const tmp = `${file}.partial`;
  mkdirSync(dirname(file), { recursive: true });
  const written = pipeline(pack, createGzip(), createWriteStream(tmp));
  const add = (name: string, size: number, body: Readable | Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const mtime = new Date(manifest.createdAt);
      if (Buffer.isBuffer(body)) {
        pack.entry({ name, size, mtime }, body, (err) => (err ? reject(err) : resolve()));
        return;
      }
      const sink = pack.entry({ name, size, mtime }, (err) => (err ? reject(err) : resolve()));
      body.on('error', reject);
      body.pipe(sink);
    });
  try {
    await add(MANIFEST_NAME, Buffer.byteLength(JSON.stringify(manifest, null, 2)), Buffer.from(JSON.stringify(manifest, null, 2)));
    for (const [i, s] of sources.entries()) {
      const size = (files[i] as ManifestFile).size;
      // A file that changed size since it was hashed would make the tar entry lie; refuse it.
      if (s.file && statSync(s.file).size !== size) throw new BundleError(`${s.file} changed while the bundle was written; try again`, file);
      await add(s.path, size, s.data ?? createReadStream(s.file as string));
    }
    pack.finalize();
    await written;
    renameSync(tmp, file);
  } catch (err) {
    pack.destroy();
    await written.catch(() => undefined);
    rmSync(tmp, { force: true });
    throw err;
  }
  return manifest;
}

const MAX_MANIFEST = 4 << 20;

/**
 * Extracts a bundle into `dir` (created, must not exist) and returns its verified manifest.
 * Throws BundleError naming the bundle and the offending member; `dir` is removed on failure.
 */
export async function readBundle(file: string, dir: string): Promise<Manifest> {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (err) {
    throw new BundleError(`cannot read run bundle ${file}: ${(err as Error).message}`, file, { cause: err });
  }
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: false });
  const bad = (msg: string): BundleError => new BundleError(`run bundle ${file} is corrupt or was modified: ${msg}; it was not imported`, file);
  try {
    const extract = tar.extract();
    const feeding = pipeline(createReadStream(file), createGunzip(), extract).catch((err: Error) => {
      extract.destroy(err);
    });
    let manifest: Manifest | null = null;
    let expected = new Map<string, ManifestFile>();
    const seen = new Set<string>();
    try {
      for await (const entry of extract) {
        const name = entry.header.name;
        if (entry.header.type !== 'file') throw bad(`member '${name}' is not a plain file`);
        if (!manifest) {
          if (name !== MANIFEST_NAME) throw bad(`the first member is '${name}', not ${MANIFEST_NAME}`);
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const c of entry) {
            size += (c as Buffer).length;
            if (size > MAX_MANIFEST) throw bad('the manifest is too large');
            chunks.push(c as Buffer);
          }
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            throw bad('the manifest is not valid JSON');
          }
          const r = manifestSchema.safeParse(parsed);
          if (!r.success) {
            const fmt = (parsed as { format?: unknown } | null)?.format;
            if (fmt !== BUNDLE_FORMAT) throw new BundleError(`${file} is not a FER Lab run bundle`, file);
            throw bad(`the manifest is malformed (${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
          }
          if (r.data.version > BUNDLE_VERSION) {
            throw new BundleError(`run bundle ${file} has format version ${r.data.version}; this FER Lab reads up to ${BUNDLE_VERSION}. Update FER Lab to import it.`, file);
          }
          manifest = r.data;
          expected = new Map(manifest.files.map((f) => [f.path, f]));
          for (const f of manifest.files) if (!isSafeMemberPath(f.path)) throw bad(`the manifest names an unsafe path '${f.path}'`);
          if (expected.size !== manifest.files.length) throw bad('the manifest lists a file twice');
          continue;
        }
        const want = expected.get(name);
        if (!want) throw bad(`member '${name}' is not listed in the manifest`);
        if (seen.has(name)) throw bad(`member '${name}' appears twice`);
        seen.add(name);
        const target = join(dir, ...name.split('/'));
        mkdirSync(dirname(target), { recursive: true });
        const h = createHash('sha256');
        let size = 0;
        const out = await open(target, 'w');
        try {
          for await (const c of entry) {
            size += (c as Buffer).length;
            if (size > want.size) throw bad(`'${name}' is larger than the manifest says (${want.size} bytes)`);
            h.update(c as Buffer);
            await out.write(c as Buffer);
          }
        } finally {
          await out.close();
        }
        if (size !== want.size) throw bad(`'${name}' holds ${size} bytes, the manifest says ${want.size}`);
        if (h.digest('hex') !== want.sha256) throw bad(`the SHA-256 of '${name}' does not match the manifest`);
      }
    } catch (err) {
      if (err instanceof BundleError) throw err;
      throw bad((err as Error).message);
    }
    await feeding;
    if (!manifest) throw bad('it holds no manifest (empty or not a tar.gz file)');
    const missing = manifest.files.filter((f) => !seen.has(f.path)).map((f) => f.path);
    if (missing.length) throw bad(`missing member(s): ${missing.join(', ')}`);
    return manifest;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
