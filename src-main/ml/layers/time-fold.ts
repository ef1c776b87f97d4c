/**
 * Time distribution by folding: [batch, T, ...frame] -> [batch*T, ...frame] and back.
 *
 * DCNNBEA applies one CNN to every frame. Folding time into the batch lets the CNN be ordinary layers
 * in the same functional graph (so saving, loading and weight matching see plain conv/BN layers) and
 * lets batch normalisation see all batch*T frames, instead of nesting a whole model in TimeDistributed.
 */
import * as tf from '@tensorflow/tfjs';

function single(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
}

function one(inputs: tf.Tensor | tf.Tensor[], who: string): tf.Tensor {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!x) throw new Error(`${who}: no input`);
  return x;
}

/** [batch, T, ...rest] -> [batch*T, ...rest]. */
export class FoldTime extends tf.layers.Layer {
  static className = 'FoldTime';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = single(inputShape);
    const [batch, steps, ...rest] = s;
    const folded = batch == null || steps == null ? null : batch * steps;
    return [folded, ...rest];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = one(inputs, `FoldTime ${this.name}`);
    const [batch, steps, ...rest] = x.shape;
    return tf.reshape(x, [(batch as number) * (steps as number), ...rest]);
  }
}

export interface UnfoldTimeArgs {
  /** Frames per sample T. */
  steps: number;
  name?: string;
}

/** [batch*T, ...rest] -> [batch, T, ...rest]. */
export class UnfoldTime extends tf.layers.Layer {
  static className = 'UnfoldTime';
  readonly steps: number;

  constructor(args: UnfoldTimeArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.steps) || args.steps < 1) {
      throw new Error(`UnfoldTime: steps must be a positive integer, got ${args.steps}`);
    }
    this.steps = args.steps;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [folded, ...rest] = single(inputShape);
    return [folded == null ? null : folded / this.steps, this.steps, ...rest];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = one(inputs, `UnfoldTime ${this.name}`);
    const [folded, ...rest] = x.shape;
    if ((folded as number) % this.steps !== 0) {
      throw new Error(`UnfoldTime ${this.name}: leading dimension ${folded} is not a multiple of T=${this.steps}`);
    }
    return tf.reshape(x, [(folded as number) / this.steps, this.steps, ...rest]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), steps: this.steps };
  }
}

tf.serialization.registerClass(FoldTime);
tf.serialization.registerClass(UnfoldTime);
