import type { PixelFrame } from './crop.ts';

/**
 * Copies the current video (or image) frame into a reusable canvas, so the detector and the cropper
 * see exactly the same pixels and box coordinates are in the source's own pixel size.
 */
export class FrameGrabber {
  readonly canvas: HTMLCanvasElement;
  private ctx: CanvasRenderingContext2D;

  constructor() {
    this.canvas = document.createElement('canvas');
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('2D canvas is not available');
    this.ctx = ctx;
  }

  grab(source: HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | ImageBitmap): PixelFrame {
    const width = source instanceof HTMLVideoElement ? source.videoWidth : source instanceof HTMLImageElement ? source.naturalWidth : source.width;
    const height = source instanceof HTMLVideoElement ? source.videoHeight : source instanceof HTMLImageElement ? source.naturalHeight : source.height;
    if (!width || !height) throw new Error('the video has no frame yet');
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    this.ctx.drawImage(source, 0, 0, width, height);
    const img = this.ctx.getImageData(0, 0, width, height);
    return { data: img.data, width, height, channels: 4 };
  }
}
