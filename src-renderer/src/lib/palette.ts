/**
 * Okabe-Ito: eight colours distinguishable under the common colour-vision deficiencies
 * (Okabe & Ito, "Color Universal Design", 2002). Black is moved last so curves read on white.
 */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

export function seriesColor(i: number): string {
  return OKABE_ITO[((i % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length] as string;
}

/** Split colours used by every per-split chart, so train/val/test look the same everywhere. */
export const SPLIT_COLORS: Record<'train' | 'val' | 'test', string> = {
  train: OKABE_ITO[0],
  val: OKABE_ITO[1],
  test: OKABE_ITO[2],
};

/**
 * Single-hue sequential ramp for heatmaps (white -> Okabe-Ito blue): lightness alone carries the
 * value, which survives any colour-vision deficiency and grayscale printing.
 */
export function heatColor(t: number): string {
  const v = Math.max(0, Math.min(1, t));
  const from = [247, 251, 255];
  const to = [8, 48, 107];
  const c = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * v));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Text colour with enough contrast on a heatColor(t) cell. */
export function heatTextColor(t: number): string {
  return t > 0.5 ? '#ffffff' : '#1a1a1a';
}
