/** An axis-aligned box in source-frame pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function area(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

/** Intersection over union of two boxes, 0 when they do not overlap. */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  if (inter === 0) return 0;
  return inter / (area(a) + area(b) - inter);
}

/**
 * The square that contains `box` grown by `pad` (a fraction of the box's longer side on every side).
 * FER models are trained on square crops with some forehead and chin, while detectors return tight,
 * often non-square boxes, so the crop is squared and padded before resizing. May extend past the frame.
 */
export function paddedSquare(box: Box, pad: number): Box {
  const side = Math.max(box.width, box.height) * (1 + 2 * pad);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/** Area of `a` that lies inside `b`, as a fraction of `a`'s area. */
export function coveredFraction(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const ar = area(a);
  return ar > 0 ? inter / ar : 0;
}
