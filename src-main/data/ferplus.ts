/** FER+ (Barsoum et al. 2016) vote columns of fer2013new.csv, in file order. */
export const FERPLUS_COLUMNS = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt', 'unknown', 'NF'] as const;

/** FER+ emotion column -> class name used across FER Lab. */
export const FERPLUS_TO_CLASS: Record<string, string> = {
  neutral: 'neutral',
  happiness: 'happy',
  surprise: 'surprise',
  sadness: 'sad',
  anger: 'angry',
  disgust: 'disgust',
  fear: 'fear',
  contempt: 'contempt',
};

export type FerPlusVote = { label: string } | { dropped: 'unknown' | 'notAFace' | 'noMajority' };

/**
 * Majority vote as in the FER+ authors' "majority" training mode: single votes are discarded as
 * outliers, then a label wins only with more than half of the remaining votes. A row whose winner is
 * "unknown" or "NF" (not a face), or that has no such majority, is dropped.
 */
export function ferPlusMajority(votes: readonly number[]): FerPlusVote {
  const kept = votes.map((v) => (v <= 1 ? 0 : v));
  const total = kept.reduce((a, b) => a + b, 0);
  let best = 0;
  for (let i = 1; i < kept.length; i++) if ((kept[i] ?? 0) > (kept[best] ?? 0)) best = i;
  if (total === 0 || (kept[best] ?? 0) * 2 <= total) return { dropped: 'noMajority' };
  const column = FERPLUS_COLUMNS[best];
  if (column === 'unknown') return { dropped: 'unknown' };
  if (column === 'NF') return { dropped: 'notAFace' };
  return { label: FERPLUS_TO_CLASS[column as string] as string };
}
