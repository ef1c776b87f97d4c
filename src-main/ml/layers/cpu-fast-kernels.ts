/**
 * A faster Conv2DBackpropFilter for the pure-JS CPU backend.
 *
 * tfjs-backend-cpu 4.22 computes the filter gradient with TensorBuffer.get(b, r, c, d) inside seven
 * nested loops; the variadic get() dominates training time on the CPU backend (it was ~80% of a
 * DCNNBEA training step in the tests' profile). This version does the same sum with flat index
 * arithmetic and a float64 accumulator (like the original's `dotProd`), for the channels-last layout
 * every model here uses; any other layout goes to the original kernel. Equality with the original
 * kernel is tested in tests/unit/ml/layers/cpu-fast-kernels.test.ts.
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

let installed = false;

/** Replaces the CPU backend's Conv2DBackpropFilter once; a no-op when the CPU kernel is absent. */
export function installFastCpuKernels(): void {
  if (installed) return;
  const existing = tf.getKernel(KERNEL, 'cpu');
  if (!existing) return;
  installed = true;
  original = existing.kernelFunc;
  tf.unregisterKernel(KERNEL, 'cpu');
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: fastConv2DBackpropFilter as tf.KernelFunc });
}
