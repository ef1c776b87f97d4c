import { describe, expect, it } from 'vitest';
import { decodeInto, digestSample, resizeGray, sniffFormat } from '../../../src-main/data/image-decode.mjs';
import { encodeImage, makeGray, makeRgb } from '../../helpers/dataset-fixtures.ts';

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) - (b[i] as number));
  return s / a.length;
}

describe('resizeGray', () => {
  it('averages 2x2 blocks exactly when halving', () => {
    const src = Uint8Array.from([0, 100, 10, 20, 200, 50, 30, 40, 1, 2, 3, 4, 5, 6, 7, 8]);
    const dst = new Uint8Array(4);
    resizeGray(src, 4, 4, dst, 0, 2, 2);
    expect(Array.from(dst)).toEqual([Math.round((0 + 100 + 200 + 50) / 4), Math.round((10 + 20 + 30 + 40) / 4), Math.round((1 + 2 + 5 + 6) / 4), Math.round((3 + 4 + 7 + 8) / 4)]);
  });

  it('keeps a constant image constant for any scale, including non-integer and enlarging', () => {
    for (const [sw, sh, dw, dh] of [[100, 80, 48, 48], [37, 52, 48, 48], [48, 48, 16, 16], [7, 5, 48, 48]] as const) {
      const src = new Uint8Array(sw * sh).fill(173);
      const dst = new Uint8Array(dw * dh + 3);
      resizeGray(src, sw, sh, dst, 3, dw, dh);
      expect(dst.subarray(3).every((v) => v === 173)).toBe(true);
      expect(Array.from(dst.subarray(0, 3))).toEqual([0, 0, 0]);
    }
  });

  it('preserves a horizontal gradient direction when enlarging', () => {
    const src = Uint8Array.from([0, 255]);
    const dst = new Uint8Array(4);
    resizeGray(src, 2, 1, dst, 0, 4, 1);
    expect(dst[0]).toBe(0);
    expect(dst[3]).toBe(255);
    expect(dst[1]).toBeGreaterThan(0);
    expect(dst[2]).toBeLessThan(255);
    expect(dst[1]).toBeLessThan(dst[2] as number);
  });
});

describe('decodeInto', () => {
  it('decodes grayscale JPEG, PNG and BMP to the same pixels (within JPEG loss)', async () => {
    const gray = makeGray(48, 48, 3);
    for (const format of ['jpg', 'png', 'bmp'] as const) {
      const buf = await encodeImage(gray, 48, 48, format);
      const dst = new Uint8Array(48 * 48);
      expect(await decodeInto(buf, dst, 0, 48)).toBeUndefined();
      const diff = meanAbsDiff(dst, gray);
      if (format === 'jpg') expect(diff).toBeLessThan(4);
      else expect(diff).toBe(0);
    }
  });

  it('converts colour to ITU-R 601 luma and resizes to the requested size', async () => {
    const rgb = makeRgb(20, 10, 4);
    const buf = await encodeImage(rgb, 20, 10, 'bmp');
    const dst = new Uint8Array(20 * 10);
    expect(await decodeInto(buf, dst, 0, 10)).toBeUndefined();
    // BMP is lossless, so the top-left pixel of a 2:1 downscale is the mean luma of its 2x1 block.
    const luma = (i: number): number => ((rgb[3 * i] as number) * 299 + (rgb[3 * i + 1] as number) * 587 + (rgb[3 * i + 2] as number) * 114 + 500) / 1000;
    // 20x10 -> 10x10: each output averages two horizontal neighbours of the truncated luma.
    expect(Math.abs((dst[0] as number) - (Math.floor(luma(0)) + Math.floor(luma(1))) / 2)).toBeLessThanOrEqual(0.5);
  });

  it('gives the same gray for the same colour image whichever decoder (sharp for PNG, bmp-js for BMP) runs', async () => {
    const rgb = makeRgb(48, 48, 5);
    const fromPng = new Uint8Array(48 * 48);
    const fromBmp = new Uint8Array(48 * 48);
    expect(await decodeInto(await encodeImage(rgb, 48, 48, 'png'), fromPng, 0, 48)).toBeUndefined();
    expect(await decodeInto(await encodeImage(rgb, 48, 48, 'bmp'), fromBmp, 0, 48)).toBeUndefined();
    expect(meanAbsDiff(fromPng, fromBmp)).toBeLessThan(0.5);
    // And it is luma, not one channel: the red-tinted fixture is brighter in R than its gray.
    expect(fromPng[0]).toBeLessThan(rgb[0] as number);
  });

  it('resizes large PNGs through sharp', async () => {
    const gray = new Uint8Array(300 * 200).fill(90);
    const dst = new Uint8Array(16 * 16);
    expect(await decodeInto(await encodeImage(gray, 300, 200, 'png'), dst, 0, 16)).toBeUndefined();
    expect(dst.every((v) => v === 90)).toBe(true);
  });

  it('reports empty, truncated and non-image inputs instead of throwing', async () => {
    const dst = new Uint8Array(48 * 48);
    expect(await decodeInto(new Uint8Array(0), dst, 0, 48)).toMatch(/empty file/);
    expect(await decodeInto(Buffer.from('hello, I am a text file'), dst, 0, 48)).toMatch(/not an image/);
    const jpg = await encodeImage(makeGray(48, 48, 6), 48, 48, 'jpg');
    expect(await decodeInto(jpg.subarray(0, Math.floor(jpg.length / 2)), dst, 0, 48)).toMatch(/corrupt or truncated JPEG/);
    const png = await encodeImage(makeGray(48, 48, 6), 48, 48, 'png');
    expect(await decodeInto(png.subarray(0, Math.floor(png.length / 2)), dst, 0, 48)).toMatch(/corrupt or truncated PNG/);
    const bmpBuf = await encodeImage(makeGray(48, 48, 6), 48, 48, 'bmp');
    expect(await decodeInto(bmpBuf.subarray(0, 100), dst, 0, 48)).toMatch(/corrupt or truncated BMP/);
  });

  it('sniffs formats by content, not by extension', () => {
    expect(sniffFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffFormat(Buffer.from('BM\0\0'))).toBe('bmp');
    expect(sniffFormat(Buffer.from('GIF89a'))).toBe('gif');
    expect(sniffFormat(Buffer.from('plain text'))).toBeUndefined();
  });
});

describe('digestSample', () => {
  it('gives exact sums on both the word-at-a-time and the byte path, and equal hashes for equal images', () => {
    const a = makeGray(48, 48, 11);
    const buf = new Uint8Array(1 + 3 * 2304);
    buf.set(a, 1);
    buf.set(a, 1 + 2304);
    buf.set(makeGray(48, 48, 12), 1 + 2 * 2304);
    const aligned = new Uint8Array(3 * 2304);
    aligned.set(buf.subarray(1));
    let sum = 0;
    let sumSq = 0;
    for (const v of a) {
      sum += v;
      sumSq += v * v;
    }
    for (const view of [aligned, buf.subarray(1)]) {
      const hashes = new Uint32Array(6);
      const sums = new Float64Array(6);
      for (let i = 0; i < 3; i++) digestSample(view, i * 2304, 2304, hashes, i, sums, 2 * i);
      expect([sums[0], sums[1]]).toEqual([sum, sumSq]);
      expect([hashes[0], hashes[1]]).toEqual([hashes[2], hashes[3]]);
      expect([hashes[0], hashes[1]]).not.toEqual([hashes[4], hashes[5]]);
    }
  });
});
