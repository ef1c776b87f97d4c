/**
 * Backend selection, done once at the start of a training/evaluation worker (never in model code).
 * Order for `auto`: @tensorflow/tfjs-node-gpu (CUDA) -> WebGPU through the `webgpu` package (Dawn on
 * D3D12/Vulkan/Metal) with @tensorflow/tfjs-backend-webgpu, when an adapter exists -> @tensorflow/tfjs-node
 * (native CPU) -> the pure-JS CPU backend, with a loud warning because it is ~1000x slower than a GPU.
 * An explicit choice tries only that backend and fails with its reason. Each loader is injectable so
 * tests can simulate every missing or broken backend on a machine that has none of them.
 */
import * as tf from '@tensorflow/tfjs';

export const BACKEND_ORDER = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

/** What a loader found: the tfjs backend it registered and whatever it knows about the device. */
export interface LoadedBackend {
  /** Name registered with tf.registerBackend, passed to tf.setBackend. */
  tfName: string;
  gpu: boolean;
  device?: string;
  /** Versions of the packages that provide the backend. */
  versions: Record<string, string>;
}

export type BackendLoader = () => Promise<LoadedBackend>;
export type BackendLoaders = Record<BackendName, BackendLoader>;

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  error?: string;
}

export interface BackendReport {
  name: BackendName;
  /** The name tfjs knows it by (`tensorflow`, `webgpu`, `cpu`). */
  tfBackend: string;
  gpu: boolean;
  device: string | null;
  versions: Record<string, string>;
  warnings: string[];
  /** Every backend tried, in order, with why it was skipped. */
  attempts: BackendAttempt[];
}

export const CPU_WARNING =
  'No GPU backend and no @tensorflow/tfjs-node: training runs on the pure-JavaScript CPU backend, ' +
  'which is roughly 1000x slower than a GPU. Install @tensorflow/tfjs-node-gpu (CUDA) or use a machine ' +
  'with a WebGPU adapter for real training.';

function message(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

async function packageVersion(name: string): Promise<string> {
  try {
    const mod = (await import(`${name}/package.json`, { with: { type: 'json' } })) as { default: { version: string } };
    return mod.default.version;
  } catch {
    return 'unknown';
  }
}

async function loadTfjsNode(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node', gpu: boolean): Promise<LoadedBackend> {
  // The native addon registers the `tensorflow` backend on the shared tfjs-core instance when imported.
  await import(/* @vite-ignore */ pkg);
  if (!tf.findBackendFactory('tensorflow')) throw new Error(`${pkg} loaded but registered no 'tensorflow' backend`);
  return { tfName: 'tensorflow', gpu, device: gpu ? 'CUDA' : 'CPU (TensorFlow C library)', versions: { [pkg]: await packageVersion(pkg) } };
}

interface WebGpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

async function loadWebGpu(): Promise<LoadedBackend> {
  const webgpu = (await import(/* @vite-ignore */ 'webgpu')) as unknown as {
    create: (options: string[]) => { requestAdapter: () => Promise<WebGpuAdapterLike | null> };
    globals: Record<string, unknown>;
  };
  const gpu = webgpu.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('the webgpu package found no GPU adapter (no Vulkan/D3D12/Metal device)');
  // tfjs-backend-webgpu looks for navigator.gpu and the WebGPU constants on the global object.
  Object.assign(globalThis, webgpu.globals);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  const info = adapter.info ?? {};
  const device = [info.vendor, info.description || info.device || info.architecture].filter(Boolean).join(' ') || 'WebGPU adapter';
  return {
    tfName: 'webgpu',
    gpu: true,
    device,
    versions: { webgpu: await packageVersion('webgpu'), '@tensorflow/tfjs-backend-webgpu': await packageVersion('@tensorflow/tfjs-backend-webgpu') },
  };
}

export const defaultLoaders: BackendLoaders = {
  'tfjs-node-gpu': () => loadTfjsNode('@tensorflow/tfjs-node-gpu', true),
  webgpu: loadWebGpu,
  'tfjs-node': () => loadTfjsNode('@tensorflow/tfjs-node', false),
  cpu: () => Promise.resolve({ tfName: 'cpu', gpu: false, device: 'JavaScript CPU', versions: {} }),
};

/**
 * Picks and activates a backend. With `auto`, each candidate that fails to load or to initialise is
 * recorded with its reason and the next one is tried; the pure-JS CPU backend always works.
 */
export async function selectBackend(choice: BackendName | 'auto' = 'auto', loaders: BackendLoaders = defaultLoaders): Promise<BackendReport> {
  const candidates: readonly BackendName[] = choice === 'auto' ? BACKEND_ORDER : [choice];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      const loaded = await loaders[name]();
      // setBackend resolves false (rather than throwing) when the backend's initialisation fails.
      if (!(await tf.setBackend(loaded.tfName))) throw new Error(`tf.setBackend('${loaded.tfName}') failed to initialise`);
      await tf.ready();
      attempts.push({ name, ok: true });
      const warnings = name === 'cpu' ? [CPU_WARNING] : [];
      return {
        name,
        tfBackend: loaded.tfName,
        gpu: loaded.gpu,
        device: loaded.device ?? null,
        versions: { '@tensorflow/tfjs': tf.version.tfjs, ...loaded.versions },
        warnings,
        attempts,
      };
    } catch (err) {
      attempts.push({ name, ok: false, error: message(err) });
    }
  }
  const reasons = attempts.map((a) => `${a.name}: ${a.error}`).join('; ');
  throw new Error(`backend '${choice}' is not available (${reasons})`);
}
