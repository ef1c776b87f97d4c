/**
 * A faster Conv2DBackpropFilter for the pure-JS CPU backend.
 *
 * tfjs-backend-cpu 4.22 computes the filter gradient with TensorBuffer.get(b, r, c, d) inside seven
 * nested loops; the variadic get() dominates training time on the CPU backend (it was ~80% of a
 * DCNNBEA training step in the tests' profile). This version does the same sum with flat index
 * arithmetic and a float64 accumulator (like the original's `dotProd`), for the channels-last layout
 * every model here uses; any other layout goes to the original kernel.
 *
 * Broadcasting Multiply / Add / Sub / RealDiv: for shapes like [N,H,W,C] op [1,1,1,C] (batch norm and
 * its gradients) tfjs-backend-cpu computes every output index through indexToLoc/locToIndex; when one
 * operand is the output shape and the other is a trailing-dims broadcast (leading 1s allowed), the
 * result is simply op(a[i], b[i % n]). Float32 inputs of that form take this loop; all others go to
 * the original kernels. Equality with the original kernels is tested in
 * tests/unit/ml/layers/cpu-fast-kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs';

const KERNEL = 'Conv2DBackpropFilter';

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

let original: tf.KernelFunc | null = null;

/** The tfjs kernel this module replaced (for tests and fallback); null before install. */
export function originalConv2DBackpropFilter(): tf.KernelFunc | null {
  return original;
}

function fastConv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo | tf.TensorInfo[] {
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (attrs.dataFormat === 'NCHW' && original) return original(args as Parameters<tf.KernelFunc>[0]);
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const backend = args.backend as CpuBackendLike;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { strideHeight: sH, strideWidth: sW, filterHeight: fH, filterWidth: fW } = info;
  const { batchSize: B, inHeight: inH, inWidth: inW, inChannels: inC, outHeight: outH, outWidth: outW, outChannels: outC } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xv = backend.data.get(x.dataId).values;
  const dyv = backend.data.get(dy.dataId).values;
  const acc = new Float64Array(fH * fW * inC * outC);
  for (let wR = 0; wR < fH; wR++) {
    const yRMin = Math.max(0, Math.ceil((top - wR) / sH));
    const yRMax = Math.min(outH, (inH + top - wR) / sH);
    for (let wC = 0; wC < fW; wC++) {
      const yCMin = Math.max(0, Math.ceil((left - wC) / sW));
      const yCMax = Math.min(outW, (inW + left - wC) / sW);
      const wBase = (wR * fW + wC) * inC * outC;
      for (let b = 0; b < B; b++) {
        for (let yR = yRMin; yR < yRMax; yR++) {
          const xR = wR + yR * sH - top;
          for (let yC = yCMin; yC < yCMax; yC++) {
            const xC = wC + yC * sW - left;
            const xOff = ((b * inH + xR) * inW + xC) * inC;
            const dyOff = ((b * outH + yR) * outW + yC) * outC;
            for (let d1 = 0; d1 < inC; d1++) {
              const xval = xv[xOff + d1] as number;
              if (xval === 0) continue;
              const wOff = wBase + d1 * outC;
              for (let d2 = 0; d2 < outC; d2++) {
                acc[wOff + d2] = (acc[wOff + d2] as number) + xval * (dyv[dyOff + d2] as number);
              }
            }
          }
        }
      }
    }
  }
  return backend.makeTensorInfo(info.filterShape, 'float32', Float32Array.from(acc));
}

const BINARY_OPS: Record<string, (a: number, b: number) => number> = {
  Multiply: (a, b) => a * b,
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  RealDiv: (a, b) => a / b,
};

const originalBinary: Record<string, tf.KernelFunc> = {};

/** The original tfjs CPU kernel for a binary op this module replaced. */
export function originalBinaryKernel(name: string): tf.KernelFunc | undefined {
  return originalBinary[name];
}

function stripLeadingOnes(shape: number[]): number[] {
  let i = 0;
  while (i < shape.length - 1 && shape[i] === 1) i++;
  return shape.slice(i);
}

/** True when `small` broadcasts to `full` only along leading axes (trailing dims equal). */
function trailingBroadcast(full: number[], small: number[]): boolean {
  const s = stripLeadingOnes(small);
  if (s.length > full.length) return false;
  const offset = full.length - s.length;
  return s.every((d, i) => d === full[offset + i]);
}

function fastBinary(name: string, op: (a: number, b: number) => number): tf.KernelFunc {
  return ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => {
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const fallback = originalBinary[name] as tf.KernelFunc;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args as Parameters<tf.KernelFunc>[0]);
    const sizeA = a.shape.reduce((x, y) => x * y, 1);
    const sizeB = b.shape.reduce((x, y) => x * y, 1);
    const aFull = sizeA >= sizeB && trailingBroadcast(a.shape, b.shape);
    const bFull = !aFull && sizeB > sizeA && trailingBroadcast(b.shape, a.shape);
    // Only the simple trailing broadcast where the bigger operand already has the output shape.
    if (!(aFull || bFull) || sizeA === 0 || sizeB === 0) return fallback(args as Parameters<tf.KernelFunc>[0]);
    const full = aFull ? a : b;
    if (full.shape.length < (aFull ? b : a).shape.length) return fallback(args as Parameters<tf.KernelFunc>[0]);
    const backend = args.backend as CpuBackendLike;
    const av = backend.data.get(a.dataId).values;
    const bv = backend.data.get(b.dataId).values;
    const size = Math.max(sizeA, sizeB);
    const out = new Float32Array(size);
    if (aFull) {
      const n = sizeB;
      for (let i = 0; i < size; i++) out[i] = op(av[i] as number, bv[i % n] as number);
    } else {
      const n = sizeA;
      for (let i = 0; i < size; i++) out[i] = op(av[i % n] as number, bv[i] as number);
    }
    return backend.makeTensorInfo([...full.shape], 'float32', out);
  }) as tf.KernelFunc;
}

let installed = false;

/** Replaces the CPU backend kernels above once; a no-op when the CPU backend is absent. */
export function installFastCpuKernels(): void {
  if (installed) return;
  const existing = tf.getKernel(KERNEL, 'cpu');
  if (!existing) return;
  installed = true;
  original = existing.kernelFunc;
  tf.unregisterKernel(KERNEL, 'cpu');
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: fastConv2DBackpropFilter as tf.KernelFunc });
  for (const [name, op] of Object.entries(BINARY_OPS)) {
    const kernel = tf.getKernel(name, 'cpu');
    if (!kernel) continue;
    originalBinary[name] = kernel.kernelFunc;
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: fastBinary(name, op) });
  }
}
