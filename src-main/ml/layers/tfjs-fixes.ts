/**
 * Fixes for @tensorflow/tfjs 4.22 behaviour the models depend on, applied once at import.
 *
 * Unpack (tf.unstack) gradient: for kernels with a single output the engine hands the gradient
 * function one tensor instead of an array, and tfjs' Unpack gradient calls tf.stack on it, which
 * throws "Argument tensors passed to stack must be a `Tensor[]`". That breaks backpropagation through
 * every tf.unstack of a size-1 axis, notably tfjs' own LSTM on a one-step sequence (DCNNBEA with T=1).
 * The replacement accepts both forms and is otherwise identical.
 *
 * CPU Conv2DBackpropFilter: replaced by a faster, numerically equivalent kernel (cpu-fast-kernels.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { installFastCpuKernels } from './cpu-fast-kernels.ts';

let applied = false;

export function applyTfjsFixes(): void {
  if (applied) return;
  applied = true;
  installFastCpuKernels();
  tf.registerGradient({
    kernelName: 'Unpack',
    gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs?: tf.NamedAttrMap) => {
      const axis = (attrs as { axis?: number } | undefined)?.axis ?? 0;
      const parts = Array.isArray(dy) ? dy : [dy];
      return { value: () => tf.stack(parts, axis) };
    },
  });
}

applyTfjsFixes();
