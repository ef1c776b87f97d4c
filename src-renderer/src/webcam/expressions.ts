/**
 * Expression classes in the canonical FER2013 label order (the same order as FER_CLASSES in
 * src-main/data/types.ts; a unit test keeps the two in step). Every classifier in the webcam
 * pipeline returns probabilities in this order, whatever order its model uses internally.
 */
export const EXPRESSIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Expression = (typeof EXPRESSIONS)[number];

/** Index of the largest probability (ties: the first). */
export function argmax(probs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < probs.length; i++) if ((probs[i] ?? -Infinity) > (probs[best] ?? -Infinity)) best = i;
  return best;
}

/**
 * Reorders probabilities given under `sourceNames` into EXPRESSIONS order. Names are matched after
 * light normalisation so that e.g. face-api's 'fearful'/'disgusted'/'surprised' map onto
 * 'fear'/'disgust'/'surprise'. Throws naming the class when one cannot be matched, because a silently
 * misaligned class order would make every label on screen wrong.
 */
export function reorderProbabilities(sourceNames: readonly string[], probs: ArrayLike<number>): number[] {
  if (probs.length !== sourceNames.length) {
    throw new Error(`expected ${sourceNames.length} probabilities (one per class), got ${probs.length}`);
  }
  const canonical = sourceNames.map(canonicalExpression);
  return EXPRESSIONS.map((name) => {
    const i = canonical.indexOf(name);
    if (i < 0) throw new Error(`classifier classes [${sourceNames.join(', ')}] have no '${name}' class`);
    return probs[i] ?? 0;
  });
}

const ALIASES: Record<string, Expression> = {
  anger: 'angry',
  angry: 'angry',
  disgust: 'disgust',
  disgusted: 'disgust',
  fear: 'fear',
  fearful: 'fear',
  happy: 'happy',
  happiness: 'happy',
  sad: 'sad',
  sadness: 'sad',
  surprise: 'surprise',
  surprised: 'surprise',
  neutral: 'neutral',
};

/** Maps a class name from any model onto an EXPRESSIONS name; throws for unknown names. */
export function canonicalExpression(name: string): Expression {
  const hit = ALIASES[name.trim().toLowerCase()];
  if (!hit) throw new Error(`unknown expression class '${name}' (expected one of ${EXPRESSIONS.join(', ')})`);
  return hit;
}
