import type { Expression } from './expressions.ts';
import type { FaceResult } from './session-recorder.ts';

/**
 * Box colour per expression (Okabe-Ito, distinguishable under colour-vision deficiencies); the text
 * label always names the expression too, so colour is never the only cue.
 */
export const EXPRESSION_COLORS: Record<Expression, string> = {
  angry: '#D55E00',
  disgust: '#CC79A7',
  fear: '#E69F00',
  happy: '#009E73',
  sad: '#0072B2',
  surprise: '#56B4E9',
  neutral: '#888888',
};

export function faceCaption(f: FaceResult): string {
  const p = Math.max(...f.probs);
  return `#${f.id} ${f.label} ${Math.round(p * 100)}% · eng ${f.engagement.toFixed(2)}`;
}

/** Draws labelled boxes in the frame's own pixel coordinates (the canvas has the video's size). */
export function drawOverlay(ctx: CanvasRenderingContext2D, faces: readonly FaceResult[]): void {
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  const line = Math.max(2, Math.round(width / 320));
  ctx.lineWidth = line;
  ctx.font = `${Math.max(11, Math.round(width / 45))}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  for (const f of faces) {
    const color = EXPRESSION_COLORS[f.label];
    ctx.strokeStyle = color;
    ctx.strokeRect(f.box.x, f.box.y, f.box.width, f.box.height);
    const text = faceCaption(f);
    const tw = ctx.measureText(text).width + 8;
    const th = parseInt(ctx.font, 10) + 6;
    const ty = f.box.y - th >= 0 ? f.box.y : f.box.y + f.box.height + th;
    // Keep the caption inside the frame for faces at the right edge.
    const tx = Math.max(0, Math.min(f.box.x - line / 2, width - tw));
    ctx.fillStyle = color;
    ctx.fillRect(tx, ty - th, tw, th);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, tx + 4, ty - 3);
  }
}
