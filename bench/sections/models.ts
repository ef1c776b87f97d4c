/**
 * Forward-pass time per image of every full-size model (48x48x1, width 1, relu, softmax, inference
 * mode) at batch 1 and 64 on the wasm backend (@tensorflow/tfjs-backend-wasm, SIMD) and the pure-JS
 * CPU backend, with the CPU/wasm ratio measured in the same run.
 *
 * Full-size models on these backends are slow (ResNet-152 at 48x48 is ~8 G multiply-adds per image),
 * so measurements are capped: batch 1 gets one warm-up pass and then timed passes until MIN_TIMED_S
 * or MAX_PASSES; when the warm-up pass alone exceeds SLOW_PASS_S it is the (single, cold) measurement.
 * Batch 64 runs one timed pass only when the batch-1 estimate (per-image time x 64) is under
 * BATCH64_CAP_S; otherwise it is reported as skipped with that estimate. Every entry says which.
 * Env: FER_BENCH_MODELS=name,name limits the models; FER_BENCH_BATCH64_CAP_S overrides the cap.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BenchContext } from '../run.ts';
import { MODEL_NAMES, buildModel } from '../../src-main/ml/models/registry.ts';
import { summarizeModel } from '../../src-main/ml/models/summary.ts';

const MIN_TIMED_S = 3;
const MAX_PASSES = 3;
const SLOW_PASS_S = 5;
const BATCH64_CAP_S = Number(process.env.FER_BENCH_BATCH64_CAP_S ?? 60);

type Backend = 'wasm' | 'cpu';

interface Measurement {
  batch: number;
  /** Milliseconds per image, or null when skipped. */
  msPerImage: number | null;
  passes: number;
  note: string;
}

const round = (x: number, d = 2): number => Number(x.toFixed(d));

function wasmDist(): string {
  const require = createRequire(import.meta.url);
  return `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
}

function pass(model: tf.LayersModel, x: tf.Tensor): number {
  const t0 = performance.now();
  const y = model.predict(x) as tf.Tensor;
  y.dataSync(); // forces the computation to finish on every backend
  y.dispose();
  return (performance.now() - t0) / 1000;
}

function measureBatch1(model: tf.LayersModel, input: number[]): Measurement {
  const x = tf.zeros([1, ...input]);
  try {
    const cold = pass(model, x);
    if (cold > SLOW_PASS_S) return { batch: 1, msPerImage: round(cold * 1000), passes: 1, note: `single cold pass (> ${SLOW_PASS_S} s)` };
    const times: number[] = [];
    let total = 0;
    while (times.length < MAX_PASSES && (total < MIN_TIMED_S || times.length === 0)) {
      const t = pass(model, x);
      times.push(t);
      total += t;
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    return { batch: 1, msPerImage: round(median * 1000), passes: times.length, note: `median of ${times.length} warm passes` };
  } finally {
    x.dispose();
  }
}

function measureBatch64(model: tf.LayersModel, input: number[], batch1: Measurement): Measurement {
  const estimateS = ((batch1.msPerImage ?? Infinity) * 64) / 1000;
  if (estimateS > BATCH64_CAP_S) {
    return {
      batch: 64,
      msPerImage: null,
      passes: 0,
      note: `skipped: batch-1 estimate ${round(estimateS, 1)} s per pass exceeds the ${BATCH64_CAP_S} s cap`,
    };
  }
  const x = tf.zeros([64, ...input]);
  try {
    const t = pass(model, x);
    return { batch: 64, msPerImage: round((t * 1000) / 64), passes: 1, note: 'one timed pass' };
  } finally {
    x.dispose();
  }
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  setWasmPaths(wasmDist());
  const wanted = process.env.FER_BENCH_MODELS?.split(',').filter(Boolean);
  const names = MODEL_NAMES.filter((n) => !wanted || wanted.includes(n));
  const results: Record<string, unknown>[] = [];
  for (const name of names) {
    const entry: Record<string, unknown> = { model: name };
    const perBackend: Partial<Record<Backend, Measurement[]>> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialise`);
      await tf.ready();
      const model = buildModel(name);
      if (backend === 'wasm') {
        const s = summarizeModel(model);
        entry.params = s.totalParams;
        entry.gigaMacsPerImage = round(s.totalMacs / 1e9, 3);
      }
      const input = model.inputs[0]!.shape.slice(1) as number[];
      const b1 = measureBatch1(model, input);
      ctx.log(`${name} ${backend} batch 1: ${b1.msPerImage} ms/image (${b1.note})`);
      const b64 = measureBatch64(model, input, b1);
      ctx.log(`${name} ${backend} batch 64: ${b64.msPerImage ?? '-'} ms/image (${b64.note})`);
      perBackend[backend] = [b1, b64];
      model.dispose();
    }
    entry.wasm = perBackend.wasm;
    entry.cpu = perBackend.cpu;
    const ratio = (i: number): number | null => {
      const c = perBackend.cpu?.[i]?.msPerImage;
      const w = perBackend.wasm?.[i]?.msPerImage;
      return c != null && w != null && w > 0 ? round(c / w) : null;
    };
    entry.cpuOverWasm = { batch1: ratio(0), batch64: ratio(1) };
    results.push(entry);
  }
  await tf.setBackend('cpu');
  return {
    note:
      'ms per image of a forward pass (inference), full-size models (48x48x1, width 1). cpuOverWasm = CPU time / wasm time ' +
      `(null where a side was skipped). Caps: batch 1 = 1 warm-up + up to ${MAX_PASSES} timed passes (single cold pass when > ${SLOW_PASS_S} s); ` +
      `batch 64 = one pass, skipped when the batch-1 estimate exceeds ${BATCH64_CAP_S} s. The machine was shared with other jobs; absolute times are noisy.`,
    wasmFlags: {
      simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
      threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    },
    models: results,
  };
}
