/**
 * TAFMN: a trainable activation made of a tiny per-channel maxout network.
 *
 * For each channel c (weights shared across all other positions):
 *   h_cj(x) = max_p (a_cjp * x + b_cjp)                 j = 1..m, p = 1..k   (first maxout layer)
 *   [optional second layer]  g_cl = max_q (sum_j A_clqj * h_cj + B_clq)  l = 1..m2, q = 1..k2
 *   f_c(x) = sum_u w_cu * z_cu + d_c     with z = h (one layer) or z = g (two layers)
 *
 * Parameters per channel: 2mk + m + 1 (one layer); 2mk + m2*k2*(m+1) + m2 + 1 (two layers).
 *
 * Initialisation makes f_c exactly ReLU while every unit is "live": unit 1 is max(x, 0) with output
 * weight 1; the other units are shifted hinges (max(-x,0), max(x-0.5,0), ...) with output weight 0,
 * so their output weights receive gradient at the first step and their pieces from the second.
 * Only elementwise broadcast ops are used (multiply, add, maximum), so it is cheap on every backend.
 * Pieces are combined with chained tf.maximum rather than a max-reduction: tf.max's gradient sends
 * the full gradient to every tied element, tf.maximum sends it to exactly one. Ties go to the later
 * piece: in the second layer the "zero" piece ties with h = max(x,0) wherever x <= 0, and this way it
 * (not the identity piece) receives that gradient, so both pieces learn from the start.
 * With k > 2 (or k2 > 2) the extra pieces start strictly below the others and receive gradient only
 * once training moves the active pieces; the defaults (k = 2) have no such dormant parameters.
 */
import * as tf from '@tensorflow/tfjs';
import './tfjs-fixes.ts';

export interface TafmnSecondLayer {
  m: number;
  k: number;
}

export interface TafmnArgs {
  m?: number;
  k?: number;
  secondLayer?: TafmnSecondLayer | null;
  name?: string;
  trainable?: boolean;
}

type LayerVariable = tf.LayerVariable;

/** Parameter count of one TAFMN layer on `channels` channels (the formula documented in docs/MODELS.md). */
export function tafmnParamCount(channels: number, m: number, k: number, second?: TafmnSecondLayer | null): number {
  const perChannel = second ? 2 * m * k + second.m * second.k * (m + 1) + second.m + 1 : 2 * m * k + m + 1;
  return channels * perChannel;
}

/** Unit j (j >= 1) of the first layer starts as a hinge max(s*x + t, 0) with these slopes/offsets. */
function hingeFor(j: number): { s: number; t: number } {
  if (j === 0) return { s: 1, t: 0 };
  const s = j % 2 === 1 ? -1 : 1;
  const t = -0.5 * Math.floor((j - 1) / 2);
  return { s, t };
}

function checkPositiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`Tafmn: ${what} must be a positive integer, got ${value}`);
  return value;
}

export class Tafmn extends tf.layers.Layer {
  static className = 'Tafmn';
  readonly m: number;
  readonly k: number;
  readonly secondLayer: TafmnSecondLayer | null;
  readonly vars: {
    a?: LayerVariable;
    b?: LayerVariable;
    a2?: LayerVariable;
    b2?: LayerVariable;
    w?: LayerVariable;
    d?: LayerVariable;
  } = {};

  constructor(args: TafmnArgs = {}) {
    super({ name: args.name, trainable: args.trainable ?? true });
    this.m = checkPositiveInt(args.m ?? 2, 'm');
    this.k = checkPositiveInt(args.k ?? 2, 'k');
    this.secondLayer = args.secondLayer
      ? { m: checkPositiveInt(args.secondLayer.m, 'secondLayer.m'), k: checkPositiveInt(args.secondLayer.k, 'secondLayer.k') }
      : null;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`Tafmn ${this.name}: the channel (last) dimension must be known`);
    const { m, k } = this;
    const C = channels;
    const zeros = tf.initializers.zeros();
    const add = (name: string, s: number[], values: Float32Array): LayerVariable => {
      const v = this.addWeight(name, s, 'float32', zeros);
      const t = tf.tensor(values, s);
      v.write(t);
      t.dispose();
      return v;
    };

    // First layer: a, b of shape [m, k, C].
    const a = new Float32Array(m * k * C);
    const b = new Float32Array(m * k * C);
    for (let j = 0; j < m; j++) {
      const { s, t } = hingeFor(j);
      for (let p = 0; p < k; p++) {
        // Piece 0 is the hinge's rising line, piece 1 the zero line; further pieces lie strictly below
        // the hinge everywhere (slope s/2, offset -1 + t) so the function stays exactly the hinge.
        const [ap, bp] = p === 0 ? [s, t] : p === 1 ? [0, 0] : [s / 2, t - 1];
        for (let c = 0; c < C; c++) {
          a[(j * k + p) * C + c] = ap;
          b[(j * k + p) * C + c] = bp;
        }
      }
    }
    this.vars.a = add('a', [m, k, C], a);
    this.vars.b = add('b', [m, k, C], b);

    let outUnits = m;
    if (this.secondLayer) {
      const { m: m2, k: k2 } = this.secondLayer;
      // A2 [m2, k2, m, C], B2 [m2, k2, C]: unit l starts as max(h_{l mod m}, 0) = h_{l mod m} (h >= 0 at init).
      const a2 = new Float32Array(m2 * k2 * m * C);
      const b2 = new Float32Array(m2 * k2 * C);
      for (let l = 0; l < m2; l++) {
        const src = l % m;
        for (let q = 0; q < k2; q++) {
          const coeff = q === 0 ? 1 : q === 1 ? 0 : 0.5;
          const off = q >= 2 ? -1 : 0;
          for (let c = 0; c < C; c++) {
            a2[((l * k2 + q) * m + src) * C + c] = coeff;
            b2[(l * k2 + q) * C + c] = off;
          }
        }
      }
      this.vars.a2 = add('a2', [m2, k2, m, C], a2);
      this.vars.b2 = add('b2', [m2, k2, C], b2);
      outUnits = m2;
    }
    const w = new Float32Array(outUnits * C);
    for (let c = 0; c < C; c++) w[c] = 1; // only unit 0 contributes at init
    this.vars.w = add('w', [outUnits, C], w);
    this.vars.d = add('d', [C], new Float32Array(C));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!x) throw new Error(`Tafmn ${this.name}: no input`);
      const { a, b, a2, b2, w, d } = this.vars;
      if (!a || !b || !w || !d) throw new Error(`Tafmn ${this.name}: called before build`);
      const { m, k } = this;
      const C = x.shape[x.shape.length - 1] as number;
      const aP = tf.unstack(a.read().reshape([m * k, C]));
      const bP = tf.unstack(b.read().reshape([m * k, C]));
      const h: tf.Tensor[] = [];
      for (let j = 0; j < m; j++) {
        let unit: tf.Tensor | null = null;
        for (let p = 0; p < k; p++) {
          const piece = tf.add(tf.mul(x, aP[j * k + p] as tf.Tensor), bP[j * k + p] as tf.Tensor);
          unit = unit === null ? piece : tf.maximum(piece, unit);
        }
        h.push(unit as tf.Tensor);
      }
      let z = h;
      if (this.secondLayer && a2 && b2) {
        const { m: m2, k: k2 } = this.secondLayer;
        const A = tf.unstack(a2.read().reshape([m2 * k2 * m, C]));
        const B = tf.unstack(b2.read().reshape([m2 * k2, C]));
        const g: tf.Tensor[] = [];
        for (let l = 0; l < m2; l++) {
          let unit: tf.Tensor | null = null;
          for (let q = 0; q < k2; q++) {
            let piece: tf.Tensor = B[l * k2 + q] as tf.Tensor;
            for (let j = 0; j < m; j++) piece = tf.add(piece, tf.mul(h[j] as tf.Tensor, A[(l * k2 + q) * m + j] as tf.Tensor));
            unit = unit === null ? piece : tf.maximum(piece, unit);
          }
          g.push(unit as tf.Tensor);
        }
        z = g;
      }
      const W = tf.unstack(w.read());
      let out: tf.Tensor = d.read();
      z.forEach((zu, u) => {
        out = tf.add(out, tf.mul(zu, W[u] as tf.Tensor));
      });
      return out;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      m: this.m,
      k: this.k,
      secondLayer: this.secondLayer ? { m: this.secondLayer.m, k: this.secondLayer.k } : null,
    };
  }
}

tf.serialization.registerClass(Tafmn);

/** Factory mirroring tf.layers.*. */
export function tafmn(args: TafmnArgs = {}): Tafmn {
  return new Tafmn(args);
}
