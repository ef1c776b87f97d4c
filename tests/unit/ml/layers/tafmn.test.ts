import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tafmn, tafmnParamCount, ensureLayersRegistered } from '../../../../src-main/ml/layers/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  ensureLayersRegistered();
});

type Opts = { m: number; k: number; secondLayer?: { m: number; k: number } };
const CONFIGS: Opts[] = [
  { m: 2, k: 2 },
  { m: 3, k: 2 },
  { m: 2, k: 3 },
  { m: 2, k: 2, secondLayer: { m: 2, k: 2 } },
];

function built(opts: Opts, inputShape: number[]): Tafmn {
  const layer = new Tafmn(opts);
  // Applying to a symbolic input builds the weights and marks the layer as used (so dispose() works).
  layer.apply(tf.input({ shape: inputShape.slice(1) }));
  return layer;
}

function vars(layer: Tafmn): tf.Variable[] {
  return layer.trainableWeights.map((w) => w.read() as tf.Variable);
}

describe('Tafmn', () => {
  it.each(CONFIGS)('equals ReLU at initialisation (%o)', (opts) => {
    const x = tf.mul(tf.randomNormal([4, 6, 6, 3], 0, 2, 'float32', 7), 1);
    const layer = built(opts, x.shape);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(layer.apply(x) as tf.Tensor, tf.relu(x)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-6);
    x.dispose();
    layer.dispose();
  });

  it.each(CONFIGS)('has the documented parameter count (%o)', (opts) => {
    const layer = built(opts, [1, 5]);
    expect(layer.countParams()).toBe(tafmnParamCount(5, opts.m, opts.k, opts.secondLayer));
    // Independent count: one-layer 2mk+m+1 per channel; two-layer adds m2*k2*(m+1) and uses m2 output weights.
    const perChannel = opts.secondLayer
      ? 2 * opts.m * opts.k + opts.secondLayer.m * opts.secondLayer.k * opts.m + opts.secondLayer.m * opts.secondLayer.k + opts.secondLayer.m + 1
      : 2 * opts.m * opts.k + opts.m + 1;
    expect(layer.countParams()).toBe(5 * perChannel);
    layer.dispose();
  });

  it.each(CONFIGS)('tf.grads matches a numerical gradient for every parameter (%o)', (opts) => {
    const C = 2;
    const x = tf.randomUniform([30, C], -2, 2, 'float32', 11);
    const r = tf.randomNormal([30, C], 0, 1, 'float32', 12);
    const layer = built(opts, x.shape);
    // Move away from the ReLU initialisation so every parameter plays a part.
    layer.trainableWeights.forEach((w, i) => {
      const v = w.read();
      const moved = tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', 100 + i)));
      w.write(moved);
      moved.dispose();
    });
    const lossFn = (): tf.Scalar => tf.tidy(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar);
    const { grads } = tf.variableGrads(lossFn, vars(layer));
    const rv = r.dataSync();
    // f is piecewise linear in each parameter, so a finite difference is exact on any interval without
    // a kink. Per output element we take slopes on four half-steps around the current value and use a
    // side whose two slopes agree (no kink there); sums run in float64 to avoid float32 cancellation.
    const eps = 0.04;
    const h = eps / 2;
    let checked = 0;
    let kinks = 0;
    for (const w of layer.trainableWeights) {
      const v = w.read() as tf.Variable;
      const analytic = grads[v.name]!.dataSync();
      const base = v.dataSync().slice();
      for (let i = 0; i < base.length; i++) {
        const outputs = (delta: number): Float32Array => {
          const vals = base.slice();
          vals[i] = (base[i] as number) + delta;
          const t = tf.tensor(vals, v.shape);
          w.write(t);
          t.dispose();
          return tf.tidy(() => (layer.apply(x) as tf.Tensor).dataSync() as Float32Array);
        };
        const [m2, m1, z0, p1, p2] = [-eps, -h, 0, h, eps].map(outputs) as Float32Array[];
        let numeric = 0;
        for (let e = 0; e < z0!.length; e++) {
          const s1 = (m1![e]! - m2![e]!) / h;
          const s2 = (z0![e]! - m1![e]!) / h;
          const s3 = (p1![e]! - z0![e]!) / h;
          const s4 = (p2![e]! - p1![e]!) / h;
          const leftClean = Math.abs(s1 - s2) < 1e-3;
          const rightClean = Math.abs(s3 - s4) < 1e-3;
          if (!leftClean || !rightClean) kinks++;
          const slope = leftClean && rightClean ? (s2 + s3) / 2 : rightClean ? s3 : s2;
          numeric += slope * rv[e]!;
        }
        const g = analytic[i] as number;
        const scale = Math.max(Math.abs(g), Math.abs(numeric));
        // Relative error with a floor of 1e-2: gradients far below the typical magnitude (~1) come from
        // cancellation in a float32 sum, where the comparison is effectively absolute (< 1e-4).
        const relErr = Math.abs(g - numeric) / Math.max(scale, 1e-2);
        expect(relErr, `${w.name}[${i}] analytic ${g} numeric ${numeric}`).toBeLessThan(1e-2);
        checked++;
        const t = tf.tensor(base, v.shape);
        w.write(t);
        t.dispose();
      }
    }
    expect(checked).toBe(layer.countParams());
    // The kink handling must stay the exception, or the check would be vacuous.
    expect(kinks).toBeLessThan(checked * x.size * 0.05);
    Object.values(grads).forEach((g) => g.dispose());
    tf.dispose([x, r]);
    layer.dispose();
  });

  it.each(CONFIGS.filter((o) => o.k === 2 && (o.secondLayer?.k ?? 2) === 2))(
    'every parameter gets a non-zero gradient within 10 steps of a toy regression (%o)',
    (opts) => {
      const C = 2;
      const x = tf.randomUniform([64, C], -2, 2, 'float32', 21);
      const y = tf.tidy(() => tf.add(tf.sin(tf.mul(x, 2)), tf.mul(tf.abs(x), 0.5)));
      const layer = built(opts, x.shape);
      const seen = layer.trainableWeights.map((w) => new Array<boolean>((w.shape as number[]).reduce((a, b) => a * b, 1)).fill(false));
      const opt = tf.train.adam(0.02);
      for (let step = 0; step < 10; step++) {
        const { grads, value } = tf.variableGrads(
          () => tf.tidy(() => tf.losses.meanSquaredError(y, layer.apply(x) as tf.Tensor) as tf.Scalar),
          vars(layer),
        );
        layer.trainableWeights.forEach((w, wi) => {
          grads[(w.read() as tf.Variable).name]!.dataSync().forEach((g, i) => {
            if (g !== 0) seen[wi]![i] = true;
          });
        });
        opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
        Object.values(grads).forEach((g) => g.dispose());
        value.dispose();
      }
      layer.trainableWeights.forEach((w, wi) => {
        const dead = seen[wi]!.map((s, i) => (s ? -1 : i)).filter((i) => i >= 0);
        expect(dead, `${w.name} elements without gradient`).toEqual([]);
      });
      opt.dispose();
      tf.dispose([x, y]);
      layer.dispose();
    },
  );

  it('learns |x| on [-2,2] to MSE < 1e-3, where the best a single ReLU unit reaches stays above 0.05', () => {
    const x = tf.linspace(-2, 2, 401).reshape([401, 1]);
    const y = tf.abs(x);
    const train = (params: tf.Variable[], f: () => tf.Tensor, steps: number, lr: number): number => {
      const opt = tf.train.adam(lr);
      for (let i = 0; i < steps; i++) {
        opt.minimize(() => tf.losses.meanSquaredError(y, f()) as tf.Scalar, false, params);
      }
      opt.dispose();
      return tf.tidy(() => tf.losses.meanSquaredError(y, f()).dataSync()[0] as number);
    };

    const layer = built({ m: 2, k: 2 }, [1, 1]);
    const tafmnMse = train(vars(layer), () => layer.apply(x) as tf.Tensor, 400, 0.02);
    expect(tafmnMse).toBeLessThan(1e-3);

    // A ReLU unit with trainable input and output affine maps: gamma * relu(alpha*x + beta) + delta.
    const [alpha, beta, gamma, delta] = [1, 0.1, 1, 0].map((v) => tf.variable(tf.scalar(v)));
    const reluParams = [alpha, beta, gamma, delta] as tf.Variable[];
    const reluMse = train(
      reluParams,
      () => tf.add(tf.mul(gamma!, tf.relu(tf.add(tf.mul(alpha!, x), beta!))), delta!),
      400,
      0.02,
    );
    expect(reluMse).toBeGreaterThan(0.05);
    tf.dispose([x, y, ...reluParams]);
    layer.dispose();
  });

  it('round-trips through getConfig / fromConfig and does not leak tensors', () => {
    const before = tf.memory().numTensors;
    const layer = new Tafmn({ m: 3, k: 2, secondLayer: { m: 2, k: 3 }, name: 'act' });
    const cfg = layer.getConfig();
    expect(cfg).toMatchObject({ m: 3, k: 2, secondLayer: { m: 2, k: 3 }, name: 'act' });
    const copy = Tafmn.fromConfig(Tafmn, cfg) as Tafmn;
    expect(copy.m).toBe(3);
    const x = tf.randomNormal([2, 4]);
    const y = layer.apply(x) as tf.Tensor;
    tf.dispose([x, y]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with a named field', () => {
    expect(() => new Tafmn({ m: 0 })).toThrow(/m must be a positive integer/);
    expect(() => new Tafmn({ secondLayer: { m: 2, k: 1.5 } })).toThrow(/secondLayer.k/);
  });
});
