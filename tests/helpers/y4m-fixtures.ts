/**
 * Builds test videos at test time (never committed): YUV4MPEG2 (.y4m) files that Chromium's fake
 * camera plays with --use-file-for-fake-video-capture.
 *
 * - Photo scenes: slow pan/zoom over @vladmandic/face-api's demo/sample*.jpg group photos, with the
 *   number of faces each scene keeps in view (counted by eye from the photos; the windows never cut
 *   a face off).
 * - FER grid (when ../shared/datasets/fer2013 exists): PublicTest faces with known labels, each given
 *   a mirrored border (tight 48x48 crops are missed by detectors, see docs/WEBCAM.md) and upscaled,
 *   laid out in a grid.
 */
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const SAMPLE_DIR = join(repoRoot, 'node_modules/@vladmandic/face-api/demo');
export const FER_DIR = resolve(repoRoot, '../shared/datasets/fer2013');

/** A window over the photo, as fractions of its width/height (x, y of the top-left; w of the width). */
interface Window {
  x: number;
  y: number;
  w: number;
}

export interface PhotoScene {
  file: string;
  /** Faces fully inside every window of the scene. */
  faces: number;
  /** The window at the start and at the end of the scene; frames interpolate between them. */
  from: Window;
  to: Window;
}

/**
 * Windows keep the frame's 4:3 aspect. The four-face photos (sample4, sample6) are the ones the e2e
 * test and the benchmark use; the others make a longer, more varied clip.
 */
export const PHOTO_SCENES: Record<string, PhotoScene> = {
  sample6: { file: 'sample6.jpg', faces: 4, from: { x: 0, y: 0, w: 1 }, to: { x: 0.05, y: 0.08, w: 0.9 } },
  sample4: { file: 'sample4.jpg', faces: 4, from: { x: 0, y: 0, w: 0.95 }, to: { x: 0.04, y: 0.04, w: 0.92 } },
  sample1: { file: 'sample1.jpg', faces: 3, from: { x: 0.02, y: 0, w: 0.95 }, to: { x: 0.05, y: 0.05, w: 0.88 } },
  sample3: { file: 'sample3.jpg', faces: 3, from: { x: 0.02, y: 0, w: 0.96 }, to: { x: 0.04, y: 0.04, w: 0.94 } },
};

export interface VideoSpec {
  width: number;
  height: number;
  fps: number;
}

/** Streams 4:2:0 frames to a .y4m file. */
class Y4mWriter {
  private out;
  constructor(
    readonly path: string,
    readonly spec: VideoSpec,
  ) {
    if (spec.width % 2 || spec.height % 2) throw new Error(`y4m 4:2:0 needs even sizes, got ${spec.width}x${spec.height}`);
    this.out = createWriteStream(path);
    this.out.write(`YUV4MPEG2 W${spec.width} H${spec.height} F${spec.fps}:1 Ip A1:1 C420jpeg\n`);
  }

  /** Writes one RGB frame (width*height*3 bytes), converted to full-range BT.601 YCbCr 4:2:0. */
  async frame(rgb: Buffer): Promise<void> {
    const { width: w, height: h } = this.spec;
    const y = Buffer.alloc(w * h);
    const u = Buffer.alloc((w / 2) * (h / 2));
    const v = Buffer.alloc((w / 2) * (h / 2));
    for (let i = 0; i < w * h; i++) {
      const r = rgb[i * 3] ?? 0;
      const g = rgb[i * 3 + 1] ?? 0;
      const b = rgb[i * 3 + 2] ?? 0;
      y[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }
    for (let cy = 0; cy < h / 2; cy++) {
      for (let cx = 0; cx < w / 2; cx++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
          const i = ((cy * 2 + dy) * w + cx * 2 + dx) * 3;
          r += rgb[i] ?? 0;
          g += rgb[i + 1] ?? 0;
          b += rgb[i + 2] ?? 0;
        }
        r /= 4;
        g /= 4;
        b /= 4;
        const j = cy * (w / 2) + cx;
        u[j] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        v[j] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
    }
    if (!this.out.write('FRAME\n')) await once(this.out, 'drain');
    if (!this.out.write(Buffer.concat([y, u, v]))) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

const clamp = (x: number): number => Math.max(0, Math.min(255, Math.round(x)));

export interface PhotoFixture {
  path: string;
  spec: VideoSpec;
  frames: number;
  /** Per frame, the number of faces in view. */
  expectedFaces: number[];
  scenes: string[];
}

/** Renders the named photo scenes, `seconds` each, into one .y4m in a fresh temp folder. */
export async function buildPhotoFixture(
  scenes: string[],
  opts: { seconds?: number; spec?: VideoSpec; dir?: string; pingPong?: boolean } = {},
): Promise<PhotoFixture> {
  const spec = opts.spec ?? { width: 640, height: 480, fps: 10 };
  const seconds = opts.seconds ?? 3;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'fer-webcam-'));
  const path = join(dir, `photos-${scenes.join('-')}.y4m`);
  const writer = new Y4mWriter(path, spec);
  const expectedFaces: number[] = [];
  const perScene = Math.max(1, Math.round(seconds * spec.fps));
  for (const name of scenes) {
    const scene = PHOTO_SCENES[name];
    if (!scene) throw new Error(`unknown photo scene '${name}' (have ${Object.keys(PHOTO_SCENES).join(', ')})`);
    const file = join(SAMPLE_DIR, scene.file);
    if (!existsSync(file)) throw new Error(`face-api demo photo missing: ${file}`);
    const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    // Ping-pong (forward, then back) makes the fake camera's loop seamless, so tracks survive it.
    const steps = Array.from({ length: perScene }, (_, f) => f);
    if (opts.pingPong) steps.push(...steps.slice(1, -1).reverse());
    for (const f of steps) {
      const a = perScene === 1 ? 0 : f / (perScene - 1);
      const lerp = (p: number, q: number): number => p + (q - p) * a;
      const wFrac = lerp(scene.from.w, scene.to.w);
      const width = Math.round(info.width * wFrac);
      const height = Math.min(info.height, Math.round((width * spec.height) / spec.width));
      const left = Math.min(info.width - width, Math.round(info.width * lerp(scene.from.x, scene.to.x)));
      const top = Math.min(info.height - height, Math.round(info.height * lerp(scene.from.y, scene.to.y)));
      const rgb = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
        .extract({ left, top, width, height })
        .resize(spec.width, spec.height, { fit: 'fill' })
        .raw()
        .toBuffer();
      await writer.frame(rgb);
      expectedFaces.push(scene.faces);
    }
  }
  await writer.close();
  return { path, spec, frames: expectedFaces.length, expectedFaces, scenes };
}

export interface FerGridFixture {
  path: string;
  spec: VideoSpec;
  frames: number;
  /** Row-major tiles: the file (relative to the dataset folder) and label of each face. */
  faces: { file: string; label: string; box: { x: number; y: number; width: number; height: number } }[];
}

/**
 * A grid of PublicTest faces (cols x rows), each padded with a border of `border` times its side
 * (mirrored, or its edge pixels repeated) and upscaled to fill its tile; the same image for `seconds`. Returns null (and the reason) when
 * the dataset folder is absent.
 */
export async function buildFerGridFixture(
  opts: { cols?: number; rows?: number; border?: number; fill?: 'mirror' | 'copy'; seconds?: number; dir?: string; seed?: number } = {},
): Promise<FerGridFixture | { skipped: string }> {
  const testDir = join(FER_DIR, 'test');
  if (!existsSync(testDir)) return { skipped: `FER2013 not found at ${FER_DIR}` };
  const cols = opts.cols ?? 4;
  const rows = opts.rows ?? 3;
  const border = opts.border ?? 0.5;
  const spec: VideoSpec = { width: 640, height: 480, fps: 10 };
  const classes = readdirSync(testDir).filter((c) => !c.startsWith('.')).sort();
  const tile = Math.floor(Math.min(spec.width / cols, spec.height / rows));
  const composites: sharp.OverlayOptions[] = [];
  const faces: FerGridFixture['faces'] = [];
  for (let i = 0; i < cols * rows; i++) {
    // Cycle through classes; within a class take a fixed, seed-shifted file so the fixture is stable.
    const label = classes[i % classes.length] ?? '';
    const files = readdirSync(join(testDir, label)).filter((f) => f.endsWith('.jpg')).sort();
    const file = files[((opts.seed ?? 0) * 7 + Math.floor(i / classes.length) * 13) % files.length] ?? '';
    const pad = Math.round(48 * border);
    const side = 48 + 2 * pad;
    const img = await sharp(join(testDir, label, file))
      .greyscale()
      .extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: opts.fill ?? 'mirror' })
      .resize(tile, tile, { kernel: 'lanczos3' })
      .toColourspace('srgb')
      .png()
      .toBuffer();
    const left = (i % cols) * tile + Math.floor((spec.width - cols * tile) / 2);
    const top = Math.floor(i / cols) * tile + Math.floor((spec.height - rows * tile) / 2);
    composites.push({ input: img, left, top });
    const scale = tile / side;
    faces.push({ file: `test/${label}/${file}`, label, box: { x: left + pad * scale, y: top + pad * scale, width: 48 * scale, height: 48 * scale } });
  }
  const rgb = await sharp({ create: { width: spec.width, height: spec.height, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .composite(composites)
    .removeAlpha()
    .raw()
    .toBuffer();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'fer-webcam-'));
  const path = join(dir, `fer-grid-${border}-${opts.fill ?? 'mirror'}.y4m`);
  const writer = new Y4mWriter(path, spec);
  const frames = Math.max(1, Math.round((opts.seconds ?? 2) * spec.fps));
  for (let f = 0; f < frames; f++) await writer.frame(rgb);
  await writer.close();
  return { path, spec, frames, faces };
}
