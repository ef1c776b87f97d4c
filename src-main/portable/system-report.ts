/**
 * The System panel's facts: which backend the newest run actually used (the worker's own report,
 * with every backend it tried and why it was skipped), whether the optional native packages are
 * installed, the GPUs the driver reports, and the exact steps that move training off the pure-JS
 * CPU fallback. tfjs-node-gpu is never loaded here: only the training worker loads it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SystemCheck, SystemInfo } from '../experiments/api-types.ts';
import type { RunStore } from '../store/run-store.ts';
import { collectEnvironment, type Environment } from './environment.ts';

const require = createRequire(import.meta.url);

/** What @tensorflow/tfjs-node-gpu 4.22 (TensorFlow 2.9 C library) expects. */
export const CUDA_EXPECTATIONS = [
  '@tensorflow/tfjs-node-gpu 4.22 loads the TensorFlow 2.9 C library, built against CUDA 11.2 and cuDNN 8.1.',
  'Windows: install CUDA Toolkit 11.2 and cuDNN 8.1 for CUDA 11.x; their bin folders must be on PATH (cudart64_110.dll, cudnn64_8.dll).',
  'Linux: CUDA 11.2 and cuDNN 8.1 libraries (libcudart.so.11.0, libcudnn.so.8) on the loader path (LD_LIBRARY_PATH).',
  'An NVIDIA driver new enough for CUDA 11.2 (>= 460.x on Linux, >= 461.x on Windows); newer drivers work.',
  'Other GPUs (AMD, Intel, Apple) are used through WebGPU when the optional `webgpu` package finds an adapter.',
];

/** tfjs-node keeps its addon in lib/napi-v<N>/ (N depends on the release). */
function hasBinding(pkgDir: string): boolean {
  try {
    return readdirSync(join(pkgDir, 'lib')).some((d) => d.startsWith('napi-v') && existsSync(join(pkgDir, 'lib', d, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

interface PackageState {
  name: string;
  installed: boolean;
  version: string | null;
  detail: string;
}

function packageState(name: string, resolveFrom: (id: string) => string = require.resolve): PackageState {
  let pkgJson: string;
  try {
    pkgJson = resolveFrom(`${name}/package.json`);
  } catch {
    return { name, installed: false, version: null, detail: 'not installed' };
  }
  let version: string | null = null;
  try {
    version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    // A damaged package.json still means "installed but broken", reported below.
  }
  // The native binding is built or downloaded at install time; without it the import fails.
  if (name.startsWith('@tensorflow/tfjs-node') && !hasBinding(dirname(pkgJson))) {
    return { name, installed: true, version, detail: `installed, but its native binding (lib/napi-v*/tfjs_binding.node) is missing; its install script did not run or failed` };
  }
  return { name, installed: true, version, detail: 'installed' };
}

export interface SystemReportOptions {
  env?: Environment;
  resolveFrom?: (id: string) => string;
  platform?: NodeJS.Platform;
}

export function systemReport(store: RunStore, options: SystemReportOptions = {}): SystemInfo {
  const env = options.env ?? collectEnvironment();
  const platform = options.platform ?? env.platform;
  const packages = ['@tensorflow/tfjs-node-gpu', 'webgpu', '@tensorflow/tfjs-node'].map((n) => packageState(n, options.resolveFrom));
  const newest = store.listRuns({ limit: 20 }).find((r) => typeof r.backend.name === 'string');
  const b = newest?.backend as { name?: string; gpu?: boolean; device?: string | null; attempts?: { name: string; ok: boolean; error?: string }[]; warnings?: string[] } | undefined;
  const lastBackend = newest && b?.name
    ? { runId: String(newest.id), name: b.name, gpu: Boolean(b.gpu), device: b.device ?? null, attempts: b.attempts ?? [], warnings: b.warnings ?? [] }
    : null;

  const gpuPkg = packages[0] as PackageState;
  const webgpuPkg = packages[1] as PackageState;
  const gpuAttempt = lastBackend?.attempts.find((a) => a.name === 'tfjs-node-gpu');
  const checks: SystemCheck[] = [
    { label: 'NVIDIA GPU visible to the driver', ok: env.gpus.length > 0, detail: env.gpus.length ? env.gpus.map((g) => `${g.name}${g.driver ? ` (driver ${g.driver})` : ''}`).join(', ') : env.gpuProbe },
    { label: '@tensorflow/tfjs-node-gpu installed', ok: gpuPkg.installed && gpuPkg.detail === 'installed', detail: gpuPkg.version ? `${gpuPkg.version}: ${gpuPkg.detail}` : gpuPkg.detail },
    { label: 'webgpu package installed (non-NVIDIA GPUs)', ok: webgpuPkg.installed, detail: webgpuPkg.detail },
    {
      label: 'Last run trained on a GPU',
      ok: Boolean(lastBackend?.gpu),
      detail: lastBackend ? `run ${lastBackend.runId}: ${lastBackend.name}${lastBackend.device ? ` (${lastBackend.device})` : ''}${gpuAttempt?.error ? `; tfjs-node-gpu failed: ${gpuAttempt.error}` : ''}` : 'no run yet',
    },
  ];

  const fixSteps: string[] = [];
  if (!lastBackend?.gpu) {
    if (env.gpus.length === 0) {
      fixSteps.push(
        platform === 'win32'
          ? 'Install the NVIDIA driver for your GPU (nvidia.com/drivers), reboot, and check that `nvidia-smi` lists the GPU in a Command Prompt.'
          : 'Install the NVIDIA driver (e.g. `sudo apt install nvidia-driver`), reboot, and check that `nvidia-smi` lists the GPU.',
      );
    }
    if (platform === 'win32') {
      fixSteps.push('Install CUDA Toolkit 11.2 (developer.nvidia.com/cuda-11.2.0-download-archive) and cuDNN 8.1 for CUDA 11.x; copy cuDNN\'s bin\\*.dll into the CUDA bin folder.');
      fixSteps.push('Make sure `C:\\Program Files\\NVIDIA GPU Computing Toolkit\\CUDA\\v11.2\\bin` is on PATH, then sign out and in again so FER Lab sees the new PATH.');
    } else {
      fixSteps.push('Install CUDA 11.2 and cuDNN 8.1 (conda: `conda install -c conda-forge cudatoolkit=11.2 cudnn=8.1`) and add their lib folder to LD_LIBRARY_PATH.');
    }
    if (!gpuPkg.installed || gpuPkg.detail !== 'installed') {
      fixSteps.push('In the FER Lab folder (source install) run `npm install @tensorflow/tfjs-node-gpu@4.22.0`; the installer builds of FER Lab ship it already.');
    }
    if (gpuAttempt?.error) fixSteps.push(`The last run could not load tfjs-node-gpu: "${gpuAttempt.error}". A missing DLL or .so in this message names the CUDA/cuDNN file to install or put on the path.`);
    fixSteps.push('Start a short run with backend "tfjs-node-gpu" (Train view, or `fer-lab train --backend tfjs-node-gpu ...`): it fails with the exact reason instead of falling back, and this panel shows the result.');
    fixSteps.push('No NVIDIA GPU? Install the optional `webgpu` package to use another GPU through WebGPU, or train headless on a GPU server and bring the runs back with `fer-lab export-run` / `import-run`.');
  }

  return {
    platform: env.platform,
    arch: env.arch,
    cpu: env.cpu,
    cpuCount: env.cpuCount,
    memoryGiB: env.memoryGiB,
    node: env.node,
    electron: env.electron,
    appVersion: env.appVersion,
    tfjs: env.tfjs,
    home: store.home,
    lastBackend,
    gpus: env.gpus,
    gpuProbe: env.gpuProbe,
    packages,
    expectations: CUDA_EXPECTATIONS,
    checks,
    gpuExpected: Boolean(lastBackend?.gpu) || (env.gpus.length > 0 && gpuPkg.detail === 'installed'),
    fixSteps,
  };
}
