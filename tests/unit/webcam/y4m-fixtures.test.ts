import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FER_DIR, SAMPLE_DIR, buildFerGridFixture, buildPhotoFixture } from '../../helpers/y4m-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'fer-y4m-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Splits a .y4m into its header fields and frames (Y, U, V planes). */
function readY4m(path: string): { w: number; h: number; fps: string; frames: Buffer[] } {
  const buf = readFileSync(path);
  const nl = buf.indexOf(0x0a);
  const header = buf.subarray(0, nl).toString('ascii').split(' ');
  expect(header[0]).toBe('YUV4MPEG2');
  const field = (k: string): string => header.find((f) => f.startsWith(k))?.slice(1) ?? '';
  const w = Number(field('W'));
  const h = Number(field('H'));
  const size = w * h * 1.5;
  const frames: Buffer[] = [];
  let at = nl + 1;
  while (at < buf.length) {
    expect(buf.subarray(at, at + 6).toString('ascii')).toBe('FRAME\n');
    frames.push(buf.subarray(at + 6, at + 6 + size));
    at += 6 + size;
  }
  expect(at).toBe(buf.length);
  return { w, h, fps: field('F'), frames };
}

describe('y4m fixtures', () => {
  it('ships the face-api demo photos it pans over', () => {
    for (let i = 1; i <= 6; i++) expect(existsSync(join(SAMPLE_DIR, `sample${i}.jpg`))).toBe(true);
  });

  it('writes a valid 4:2:0 clip whose first frame is the whole photo, with ping-pong looping', async () => {
    const fx = await buildPhotoFixture(['sample6'], { seconds: 1, spec: { width: 160, height: 120, fps: 5 }, pingPong: true, dir });
    const y4m = readY4m(fx.path);
    expect([y4m.w, y4m.h, y4m.fps]).toEqual([160, 120, '5:1']);
    // 5 frames forward, 3 back (the ends are not repeated).
    expect(y4m.frames).toHaveLength(8);
    expect(fx.expectedFaces).toEqual(new Array(8).fill(4));
    expect(y4m.frames[1]?.equals(y4m.frames[7] as Buffer)).toBe(true);
    // Frame 0 is the photo's top 4:3 window: its luma matches sharp's own grayscale of that window.
    const meta = await sharp(join(SAMPLE_DIR, 'sample6.jpg')).metadata();
    const width = meta.width ?? 0;
    const ref = await sharp(join(SAMPLE_DIR, 'sample6.jpg'))
      .extract({ left: 0, top: 0, width, height: Math.round((width * 3) / 4) })
      .resize(160, 120, { fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer();
    const luma = y4m.frames[0]?.subarray(0, 160 * 120) ?? Buffer.alloc(0);
    let diff = 0;
    for (let i = 0; i < ref.length; i++) diff += Math.abs((ref[i] ?? 0) - (luma[i] ?? 0));
    expect(diff / ref.length).toBeLessThan(6);
    await expect(buildPhotoFixture(['nope'], { dir })).rejects.toThrow(/unknown photo scene 'nope'/);
  });

  it.skipIf(!existsSync(join(FER_DIR, 'test')))('lays out labelled PublicTest faces in a grid (needs ../shared/datasets/fer2013)', async () => {
    const grid = await buildFerGridFixture({ dir, border: 0.25, seconds: 0.2 });
    if ('skipped' in grid) throw new Error(grid.skipped);
    expect(grid.faces).toHaveLength(12);
    expect(new Set(grid.faces.map((f) => f.label)).size).toBe(7);
    for (const f of grid.faces) {
      expect(existsSync(join(FER_DIR, f.file))).toBe(true);
      expect(f.file.startsWith(`test/${f.label}/PublicTest_`)).toBe(true);
      expect(f.box.x).toBeGreaterThanOrEqual(0);
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(640);
      // 48 px face inside a 72 px padded tile of 160 px.
      expect(f.box.width).toBeCloseTo((48 * 160) / 72, 6);
    }
    expect(readY4m(grid.path).frames).toHaveLength(2);
  });
});
