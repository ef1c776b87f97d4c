/**
 * Importing this module registers every custom layer with tf.serialization, so a saved model that uses
 * them can be loaded. Any process that loads models imports it (or calls ensureLayersRegistered) first.
 */
import * as tf from '@tensorflow/tfjs';
import { applyTfjsFixes } from './tfjs-fixes.ts';
import { Tafmn } from './tafmn.ts';
import { FoldTime, UnfoldTime } from './time-fold.ts';

export { Tafmn, tafmn, tafmnParamCount, type TafmnArgs, type TafmnSecondLayer } from './tafmn.ts';
export { FoldTime, UnfoldTime, type UnfoldTimeArgs } from './time-fold.ts';

export { applyTfjsFixes } from './tfjs-fixes.ts';

export const CUSTOM_LAYER_CLASSES = [Tafmn, FoldTime, UnfoldTime] as const;

/** Registration happens at import; this re-registers defensively and returns the class names. */
export function ensureLayersRegistered(): string[] {
  applyTfjsFixes();
  for (const cls of CUSTOM_LAYER_CLASSES) tf.serialization.registerClass(cls);
  return CUSTOM_LAYER_CLASSES.map((c) => c.className);
}
