/**
 * Picks the tfjs backend for in-renderer inference. Order: WebGL (a real GPU makes it fastest),
 * then WASM with SIMD (on CPU-only machines it beats WebGL emulated by SwiftShader), then the plain
 * CPU backend. The order can be forced (e.g. the benchmark measures each). The WASM binaries are
 * bundled by Vite from @tensorflow/tfjs-backend-wasm, so nothing is fetched from the network.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

const WASM_FILES = {
  'tfjs-backend-wasm.wasm': new URL('../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL('../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(
    '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
    import.meta.url,
  ).href,
};

let wasmPathsSet = false;

/**
 * Tries each backend in `order` and keeps the first that initialises; returns its name. A GPU that
 * only SwiftShader emulates is skipped for WebGL unless it is the only choice left, because it is
 * several times slower than WASM on CPU.
 */
export async function selectBackend(order: BackendName[] = ['webgl', 'wasm', 'cpu']): Promise<BackendName> {
  if (!wasmPathsSet) {
    setWasmPaths(WASM_FILES);
    wasmPathsSet = true;
  }
  const errors: string[] = [];
  for (const name of order) {
    if (name === 'webgl' && order.length > 1 && isSoftwareWebgl()) {
      errors.push('webgl: software renderer only');
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      errors.push(`${name}: failed to initialise`);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend could start (${errors.join('; ')})`);
}

/** True when WebGL is missing or rendered by SwiftShader/llvmpipe (no GPU). */
export function isSoftwareWebgl(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return true;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return /swiftshader|llvmpipe|software/i.test(renderer);
  } catch {
    return true;
  }
}
