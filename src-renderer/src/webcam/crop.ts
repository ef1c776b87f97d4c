import { paddedSquare, type Box } from './geometry.ts';

/** Raw pixels of one frame: RGBA (ImageData), RGB or grayscale, row-major. */
export interface PixelFrame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export interface CropOptions {
  /** Output side in pixels (48 for FER2013-trained models). */
  size: number;
  /** Extra margin around the detector box, as a fraction of its longer side on each side. */
  pad: number;
}

export const DEFAULT_CROP: CropOptions = { size: 48, pad: 0.1 };

/** ITU-R BT.601 luma, the conversion FER2013's grayscale images are commonly assumed to use. */
function luma(frame: PixelFrame, x: number, y: number): number {
  const i = (y * frame.width + x) * frame.channels;
  const d = frame.data;
  if (frame.channels === 1) return d[i] ?? 0;
  return 0.299 * (d[i] ?? 0) + 0.587 * (d[i + 1] ?? 0) + 0.114 * (d[i + 2] ?? 0);
}

/** Bilinear luma sample with edge clamping, so crops that overhang the frame repeat its border. */
function sample(frame: PixelFrame, fx: number, fy: number): number {
  const x = Math.min(Math.max(fx, 0), frame.width - 1);
  const y = Math.min(Math.max(fy, 0), frame.height - 1);
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, frame.width - 1);
  const y1 = Math.min(y0 + 1, frame.height - 1);
  const ax = x - x0;
  const ay = y - y0;
  const top = luma(frame, x0, y0) * (1 - ax) + luma(frame, x1, y0) * ax;
  const bottom = luma(frame, x0, y1) * (1 - ax) + luma(frame, x1, y1) * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * Crops the padded square around `box`, converts it to grayscale and resizes it to size x size.
 * Shrinking averages a grid of bilinear samples per output pixel (a box filter), because plain
 * bilinear sampling of a 200 px face down to 48 px aliases badly.
 */
export function cropFace(frame: PixelFrame, box: Box, opts: CropOptions = DEFAULT_CROP): Uint8Array {
  if (frame.width <= 0 || frame.height <= 0) throw new Error(`frame has no pixels (${frame.width}x${frame.height})`);
  if (frame.data.length < frame.width * frame.height * frame.channels) {
    throw new Error(`frame data holds ${frame.data.length} bytes, expected ${frame.width * frame.height * frame.channels}`);
  }
  if (!(box.width > 0 && box.height > 0)) throw new Error(`face box has no area (${box.width}x${box.height})`);
  const sq = paddedSquare(box, opts.pad);
  const n = opts.size;
  const step = sq.width / n;
  const k = Math.max(1, Math.ceil(step));
  const out = new Uint8Array(n * n);
  for (let oy = 0; oy < n; oy++) {
    for (let ox = 0; ox < n; ox++) {
      let acc = 0;
      for (let sy = 0; sy < k; sy++) {
        for (let sx = 0; sx < k; sx++) {
          // Sample centres spread evenly over the output pixel's footprint in the source.
          const fx = sq.x + (ox + (sx + 0.5) / k) * step - 0.5;
          const fy = sq.y + (oy + (sy + 0.5) / k) * step - 0.5;
          acc += sample(frame, fx, fy);
        }
      }
      out[oy * n + ox] = Math.round(acc / (k * k));
    }
  }
  return out;
}
