/**
 * A description of the machine and software a run was trained or exported on, stored in run
 * bundles (environment.json) and shown by the System panel. Only facts that explain a result:
 * platform, CPU, memory, Node/Electron/tfjs versions and the NVIDIA GPUs nvidia-smi reports.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';

export interface GpuInfo {
  name: string;
  driver: string | null;
  memoryMiB: number | null;
}

export interface Environment {
  platform: NodeJS.Platform;
  arch: string;
  osRelease: string;
  cpu: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  electron: string | null;
  appVersion: string;
  tfjs: string;
  /** GPUs nvidia-smi lists (empty when it is missing or finds none). */
  gpus: GpuInfo[];
  /** Why no GPU list is available, when nvidia-smi could not be run. */
  gpuProbe: string;
}

export function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs nvidia-smi (with a short timeout); never throws. */
export function probeNvidiaGpus(run: typeof spawnSync = spawnSync): { gpus: GpuInfo[]; probe: string } {
  const r = run('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 5000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { gpus: [], probe: code === 'ENOENT' ? 'nvidia-smi not found (no NVIDIA driver installed, or not on PATH)' : `nvidia-smi failed: ${r.error.message}` };
  }
  if (r.status !== 0) return { gpus: [], probe: `nvidia-smi exited with code ${r.status}: ${String(r.stderr ?? '').trim().split('\n')[0] ?? ''}` };
  const gpus = String(r.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, driver, mem] = line.split(',').map((s) => s.trim());
      const memoryMiB = Number(mem);
      return { name: name ?? 'unknown GPU', driver: driver || null, memoryMiB: Number.isFinite(memoryMiB) ? memoryMiB : null };
    });
  return { gpus, probe: gpus.length ? `nvidia-smi lists ${gpus.length} GPU(s)` : 'nvidia-smi found no GPU' };
}

export function collectEnvironment(options: { probeGpu?: boolean } = {}): Environment {
  const cpuList = cpus();
  const gpu = options.probeGpu === false ? { gpus: [], probe: 'not probed' } : probeNvidiaGpus();
  return {
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    electron: process.versions.electron ?? null,
    appVersion: appVersion(),
    tfjs: tf.version.tfjs,
    gpus: gpu.gpus,
    gpuProbe: gpu.probe,
  };
}
