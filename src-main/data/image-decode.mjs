// Decodes one image file into a square grayscale sample. Plain ESM JavaScript (types in
// image-decode.d.mts) so the decode worker can load it without a TypeScript loader, under tsx or bundled.
//
// Decoder choice, measured on the 2-core dev machine with FER2013's 48x48 JPEGs (docs/DATASETS.md):
//   libjpeg-turbo (WASM)  ~19 us per image, native grayscale output, one reusable decoder
//   jpeg-js               ~65 us per image after warm-up (pure JS; always RGB(A) output)
//   sharp (libvips)      ~550-790 us per image (pipeline setup dominates at this size)
//   Pillow (reference)    ~44 us per image (libjpeg-turbo), single process
// So small JPEGs go through libjpeg-turbo's WASM build (jpeg-js as the fallback when the WASM cannot
// load, and as a second opinion that names the defect when it rejects a file), BMP through bmp-js
// (sharp's prebuilt libvips has no BMP loader), and PNG/GIF/WebP/TIFF or large JPEGs through sharp,
// whose shrink-on-load wins for big images.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import bmp from 'bmp-js';
import initTurbo from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';

/** JPEGs above this many bytes go to sharp: jpeg-js cost grows with pixels, sharp's is mostly fixed. */
export const JS_JPEG_MAX_BYTES = 64 * 1024;

/** @type {Promise<import('sharp')> | undefined} */
let sharpModule;
function loadSharp() {
  // Lazy: loading libvips costs ~50-100 ms per worker and FER2013 never needs it.
  sharpModule ??= import('sharp').then((m) => {
    const sharp = m.default;
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return sharpModule;
}

/**
 * @typedef {{ getEncodedBuffer(n: number): Uint8Array; decode(): void;
 *   getFrameInfo(): { width: number; height: number; componentCount: number };
 *   getDecodedBuffer(): Uint8Array }} TurboDecoder
 * @type {Promise<{ JPEGDecoder: new () => TurboDecoder } | undefined> | undefined}
 */
let turboModule;
/** @type {TurboDecoder | undefined} */
let turboDecoder;
/** @type {WebAssembly.Module | undefined} */
let compiledTurbo;

/**
 * Makes this thread instantiate libjpeg-turbo from a module compiled once by the parent thread:
 * compiling the WASM costs each new worker ~30-80 ms of CPU, a few percent of a FER2013 import.
 * @param {WebAssembly.Module} module
 */
export function useCompiledTurbo(module) {
  compiledTurbo = module;
}

/** @type {Promise<WebAssembly.Module | undefined> | undefined} */
let compiling;

/** Compiles libjpeg-turbo's WASM once per process (undefined when it cannot be found or compiled). */
export function compileTurbo() {
  compiling ??= Promise.resolve()
    .then(() => WebAssembly.compile(readFileSync(createRequire(import.meta.url).resolve('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm'))))
    .catch(() => undefined);
  return compiling;
}

function loadTurbo() {
  const module = compiledTurbo;
  const options = module
    ? {
        /** @param {WebAssembly.Imports} imports @param {(i: WebAssembly.Instance, m: WebAssembly.Module) => void} receive */
        instantiateWasm(imports, receive) {
          void WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module));
          return {};
        },
      }
    : {};
  // undefined when the WASM cannot be instantiated (e.g. a bundle that left the .wasm behind).
  turboModule ??= Promise.resolve()
    .then(() => initTurbo(options))
    .catch(() => undefined);
  return turboModule;
}

/** Whether this thread decodes JPEGs with libjpeg-turbo (false: the jpeg-js fallback). */
export async function turboAvailable() {
  return (await loadTurbo()) !== undefined;
}

/**
 * Decodes a JPEG with libjpeg-turbo into a size x size sample; false when it rejects the file
 * (it throws bare numbers, so the caller asks jpeg-js for a readable reason).
 * @param {NonNullable<Awaited<ReturnType<typeof loadTurbo>>>} turbo
 * @param {Uint8Array} buf @param {Uint8Array} dst @param {number} dstOffset @param {number} size
 */
function decodeTurbo(turbo, buf, dst, dstOffset, size) {
  turboDecoder ??= new turbo.JPEGDecoder();
  try {
    turboDecoder.getEncodedBuffer(buf.length).set(buf);
    turboDecoder.decode();
    const { width, height, componentCount } = turboDecoder.getFrameInfo();
    const data = turboDecoder.getDecodedBuffer();
    if (componentCount === 1) resizeGray(data, width, height, dst, dstOffset, size, size);
    else if (componentCount === 3) grayFit(data, width, height, 3, [0, 1, 2], dst, dstOffset, size);
    else return false;
    return true;
  } catch {
    // A failed decode can leave the decoder mid-frame; start the next file on a fresh one.
    turboDecoder = undefined;
    return false;
  }
}

/** @param {Uint8Array} buf */
export function sniffFormat(buf) {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47) return 'png';
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) return 'bmp';
  if (buf.length >= 6 && buf[0] === 0x47 && buf[1] === 0x49 && buf[2] === 0x46) return 'gif';
  if (buf.length >= 12 && buf[0] === 0x52 && buf[1] === 0x49 && buf[8] === 0x57 && buf[9] === 0x45) return 'webp';
  if (buf.length >= 4 && ((buf[0] === 0x49 && buf[1] === 0x49 && buf[2] === 0x2a) || (buf[0] === 0x4d && buf[1] === 0x4d && buf[3] === 0x2a))) {
    return 'tiff';
  }
  return undefined;
}

/** @type {Map<string, { index: Int32Array; weight: Float32Array; taps: number }>} */
const weightCache = new Map();

/**
 * Resampling weights for one axis: area averaging when shrinking (every source pixel contributes in
 * proportion to its overlap, so no aliasing), bilinear with pixel-centre alignment when enlarging.
 * @param {number} src @param {number} dst
 */
function axisWeights(src, dst) {
  const key = `${src}>${dst}`;
  const cached = weightCache.get(key);
  if (cached) return cached;
  const scale = src / dst;
  const taps = scale > 1 ? Math.ceil(scale) + 1 : 2;
  const index = new Int32Array(dst * taps);
  const weight = new Float32Array(dst * taps);
  for (let o = 0; o < dst; o++) {
    if (scale > 1) {
      const lo = o * scale;
      const hi = lo + scale;
      let t = 0;
      for (let s = Math.floor(lo); s < hi && t < taps; s++, t++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        index[o * taps + t] = Math.min(s, src - 1);
        weight[o * taps + t] = overlap / scale;
      }
    } else {
      const centre = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), src - 1);
      const s0 = Math.floor(centre);
      const s1 = Math.min(s0 + 1, src - 1);
      const f = centre - s0;
      index[o * taps] = s0;
      weight[o * taps] = 1 - f;
      index[o * taps + 1] = s1;
      weight[o * taps + 1] = f;
    }
  }
  const result = { index, weight, taps };
  weightCache.set(key, result);
  return result;
}

/**
 * Resizes a grayscale image (separable: rows, then columns) into dst at dstOffset.
 * @param {Uint8Array} src @param {number} sw @param {number} sh
 * @param {Uint8Array} dst @param {number} dstOffset @param {number} dw @param {number} dh
 */
export function resizeGray(src, sw, sh, dst, dstOffset, dw, dh) {
  if (sw === dw && sh === dh) {
    dst.set(src.subarray(0, sw * sh), dstOffset);
    return;
  }
  const wx = axisWeights(sw, dw);
  const wy = axisWeights(sh, dh);
  const tmp = new Float32Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      for (let t = 0; t < wx.taps; t++) {
        const k = x * wx.taps + t;
        acc += /** @type {number} */ (src[row + /** @type {number} */ (wx.index[k])]) * /** @type {number} */ (wx.weight[k]);
      }
      tmp[y * dw + x] = acc;
    }
  }
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      for (let t = 0; t < wy.taps; t++) {
        const k = y * wy.taps + t;
        acc += /** @type {number} */ (tmp[/** @type {number} */ (wy.index[k]) * dw + x]) * /** @type {number} */ (wy.weight[k]);
      }
      dst[dstOffset + y * dw + x] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
}

/**
 * Interleaved colour to luma with ITU-R 601 weights (what Pillow's convert('L') uses), so the numbers
 * match the usual Python pipeline. `order` gives the byte offsets of R, G, B within a pixel.
 * @param {Uint8Array} data @param {number} pixels @param {number} stride @param {[number, number, number]} order
 * @param {Uint8Array} out @param {number} outOffset
 */
function toGray(data, pixels, stride, order, out, outOffset) {
  const [r, g, b] = order;
  for (let i = 0, p = 0; i < pixels; i++, p += stride) {
    const R = /** @type {number} */ (data[p + r]);
    const G = /** @type {number} */ (data[p + g]);
    const B = /** @type {number} */ (data[p + b]);
    out[outOffset + i] = (R * 299 + G * 587 + B * 114 + 500) / 1000;
  }
}

/**
 * Converts to gray and fits to size x size: straight into dst when the image already has that size
 * (FER2013's case, so no per-sample allocation), through a scratch buffer otherwise.
 * @param {Uint8Array} data @param {number} w @param {number} h @param {number} stride
 * @param {[number, number, number]} order @param {Uint8Array} dst @param {number} dstOffset @param {number} size
 */
function grayFit(data, w, h, stride, order, dst, dstOffset, size) {
  if (w === size && h === size) {
    toGray(data, w * h, stride, order, dst, dstOffset);
    return;
  }
  const gray = new Uint8Array(w * h);
  toGray(data, w * h, stride, order, gray, 0);
  resizeGray(gray, w, h, dst, dstOffset, size, size);
}

/**
 * Decodes `buf` and writes a size x size grayscale sample into dst at dstOffset.
 * Returns undefined on success or a human-readable reason why the file was skipped.
 * @param {Uint8Array} buf @param {Uint8Array} dst @param {number} dstOffset @param {number} size
 * @returns {Promise<string | undefined>}
 */
export async function decodeInto(buf, dst, dstOffset, size) {
  if (buf.length === 0) return 'empty file (0 bytes)';
  const format = sniffFormat(buf);
  if (format === undefined) return 'not an image (content is not JPEG, PNG, BMP, GIF, WebP or TIFF)';
  try {
    if (format === 'jpeg' && buf.length <= JS_JPEG_MAX_BYTES) {
      const turbo = await loadTurbo();
      if (turbo && decodeTurbo(turbo, buf, dst, dstOffset, size)) return undefined;
      // tolerantDecoding=false: a truncated or corrupt file is an error, not a half-grey face.
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: 4 });
      grayFit(img.data, img.width, img.height, 3, [0, 1, 2], dst, dstOffset, size);
      return undefined;
    }
    if (format === 'bmp') {
      const img = bmp.decode(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
      if (!(img.width > 0 && img.height > 0)) return 'corrupt BMP (bad dimensions)';
      // bmp-js emits ABGR byte order.
      grayFit(img.data, img.width, img.height, 4, [3, 2, 1], dst, dstOffset, size);
      return undefined;
    }
    const sharp = await loadSharp();
    // sharp resizes (with shrink-on-load for big images) but the gray conversion stays ours, so every
    // format gets the same ITU-R 601 luma; resizing first is equivalent since both steps are linear.
    const { data, info } = await sharp(buf)
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== size || info.height !== size) {
      return `unexpected decoder output ${info.width}x${info.height}x${info.channels}`;
    }
    toGray(data, size * size, 3, [0, 1, 2], dst, dstOffset);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return `corrupt or truncated ${format.toUpperCase()} (${message.split('\n')[0]})`;
  }
}

/**
 * One pass over a decoded sample at pixels[offset .. offset+n): a 64-bit content hash (two 32-bit
 * multiplicative lanes) into hashes[2i], hashes[2i+1], and, when `sums` is given, the pixel sum and
 * sum of squares into sums[sumsAt], sums[sumsAt+1]. Duplicates are confirmed byte for byte
 * afterwards, so the hash only needs to spread well; this is ~2x cheaper than SHA-1 plus a
 * separate statistics pass.
 * @param {Uint8Array} pixels @param {number} offset @param {number} n
 * @param {Uint32Array} hashes @param {number} i
 * @param {Float64Array} [sums] @param {number} [sumsAt]
 */
export function digestSample(pixels, offset, n, hashes, i, sums, sumsAt = 0) {
  let sum = 0;
  let sumSq = 0;
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  const start = pixels.byteOffset + offset;
  if (start % 4 === 0 && n % 4 === 0) {
    // Word at a time (FER's 48x48 and most sizes): a quarter of the loop iterations and hash steps.
    // The choice is the same for every sample of a dataset (same n, same base alignment), so equal
    // images always get equal hashes.
    const words = new Uint32Array(pixels.buffer, start, n >> 2);
    for (let k = 0; k < words.length; k++) {
      const w = /** @type {number} */ (words[k]);
      const a = w & 255;
      const b = (w >>> 8) & 255;
      const c = (w >>> 16) & 255;
      const d = w >>> 24;
      sum += a + b + c + d;
      sumSq += a * a + b * b + c * c + d * d;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 + w, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
  } else {
    for (let k = offset, end = offset + n; k < end; k++) {
      const v = /** @type {number} */ (pixels[k]);
      sum += v;
      sumSq += v * v;
      h1 = Math.imul(h1 ^ v, 0x01000193);
      h2 = Math.imul(h2 + v, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
  }
  hashes[2 * i] = h1 >>> 0;
  hashes[2 * i + 1] = h2 >>> 0;
  if (sums) {
    sums[sumsAt] = sum;
    sums[sumsAt + 1] = sumSq;
  }
}

/** Reused for every file that fits: FER2013 JPEGs are ~1-2 KB, so steady state allocates nothing. */
let scratch = new Uint8Array(256 * 1024);

/**
 * Reads a whole file into the scratch buffer and records its size and mtime (fstat on the open file,
 * which the read needs anyway, so the import can skip a separate stat pass).
 * @param {string} path @param {Float64Array} meta @param {number} at
 */
function readFile(path, meta, at) {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    meta[at] = st.size;
    meta[at + 1] = st.mtimeMs;
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

/**
 * Decodes paths[k] into sample slot start + k of the shared arrays. Per sample it also leaves the
 * file's size and mtime and the pixel sum and sum of squares in `meta` (4 numbers per sample) and the
 * content hash in `hashes`. Runs in the decode workers, or in the calling thread as a fallback.
 * @param {{ pixels: Uint8Array, hashes: Uint32Array, meta: Float64Array, size: number }} shared
 * @param {number} start @param {readonly string[]} paths
 * @returns {Promise<Array<{ index: number, reason: string }>>} the files that were skipped, and why
 */
export async function decodeBatch(shared, start, paths) {
  const { pixels, hashes, meta, size } = shared;
  const sampleBytes = size * size;
  const failures = [];
  for (let k = 0; k < paths.length; k++) {
    const index = start + k;
    const offset = index * sampleBytes;
    let reason;
    try {
      const buf = readFile(/** @type {string} */ (paths[k]), meta, 4 * index);
      reason = await decodeInto(buf, pixels, offset, size);
    } catch (err) {
      reason = `unreadable (${err instanceof Error ? err.message : String(err)})`;
    }
    if (reason === undefined) digestSample(pixels, offset, sampleBytes, hashes, index, meta, 4 * index + 2);
    else failures.push({ index, reason });
  }
  return failures;
}
