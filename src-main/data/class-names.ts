import { FER_CLASSES, type FerClass } from './types.ts';

/** FER+ adds contempt; CK+ has it too. It follows the seven FER2013 classes. */
export const EXTRA_KNOWN_CLASSES = ['contempt'] as const;

const SYNONYMS: Record<string, FerClass | 'contempt'> = {
  angry: 'angry',
  anger: 'angry',
  disgust: 'disgust',
  disgusted: 'disgust',
  fear: 'fear',
  fearful: 'fear',
  afraid: 'fear',
  happy: 'happy',
  happiness: 'happy',
  joy: 'happy',
  sad: 'sad',
  sadness: 'sad',
  surprise: 'surprise',
  surprised: 'surprise',
  neutral: 'neutral',
  contempt: 'contempt',
};

/** The canonical name for a class folder (case-insensitive, synonyms folded), or undefined. */
export function canonicalClass(folderName: string): FerClass | 'contempt' | undefined {
  return SYNONYMS[folderName.trim().toLowerCase()];
}

/**
 * Class list for a dataset: always the seven FER2013 classes first, in their canonical order, so
 * label i means the same emotion in every dataset (a FER2013 model scores a CK+ import directly);
 * other classes follow in the order given.
 */
export function classList(extra: readonly string[]): string[] {
  const names: string[] = [...FER_CLASSES];
  for (const name of extra) if (!names.includes(name)) names.push(name);
  return names;
}
