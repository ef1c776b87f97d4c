import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../../src-main/portable/environment.ts';
import { probeNvidiaGpus } from '../../../src-main/portable/environment.ts';
import { systemReport } from '../../../src-main/portable/system-report.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';

let home: string;
let store: RunStore;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'fer-system-'));
  store = RunStore.open(home);
});
afterEach(() => {
  store.close();
  rmSync(home, { recursive: true, force: true });
});

const env = (gpus: Environment['gpus']): Environment => ({
  platform: 'win32', arch: 'x64', osRelease: '10', cpu: 'cpu', cpuCount: 8, memoryGiB: 16, node: 'v20', electron: null,
  appVersion: '0.1.0', tfjs: '4.22.0', gpus, gpuProbe: gpus.length ? 'nvidia-smi lists 1 GPU(s)' : 'nvidia-smi not found',
});
const missing = (): string => {
  throw new Error('not found');
};

describe('system report', () => {
  it('explains a CPU fallback on Windows with the CUDA 11.2 / cuDNN 8.1 steps and the worker reason', () => {
    const id = store.createRun({ modelName: 'vgg-fer', config: {}, seed: 1, datasetFingerprint: null });
    store.updateRun(id, {
      backend: { name: 'cpu', gpu: false, device: 'JavaScript CPU', warnings: ['slow'], attempts: [{ name: 'tfjs-node-gpu', ok: false, error: 'The specified module could not be found. cudnn64_8.dll' }, { name: 'cpu', ok: true }] },
    });
    const r = systemReport(store, { env: env([{ name: 'NVIDIA GeForce GTX 1060', driver: '531.1', memoryMiB: 6144 }]), resolveFrom: missing });
    expect(r.lastBackend).toMatchObject({ runId: String(id), name: 'cpu', gpu: false });
    expect(r.gpuExpected).toBe(false);
    expect(r.checks.find((c) => c.label.startsWith('NVIDIA'))).toMatchObject({ ok: true, detail: 'NVIDIA GeForce GTX 1060 (driver 531.1)' });
    expect(r.checks.find((c) => c.label.startsWith('@tensorflow'))).toMatchObject({ ok: false, detail: 'not installed' });
    const steps = r.fixSteps.join('\n');
    expect(steps).toMatch(/CUDA Toolkit 11\.2/);
    expect(steps).toMatch(/cuDNN 8\.1/);
    expect(steps).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    expect(steps).toMatch(/cudnn64_8\.dll/);
    expect(steps).not.toMatch(/Install the NVIDIA driver/);
    expect(r.expectations.join(' ')).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
  });

  it('has nothing to fix when the last run used the GPU, and asks for a driver when none is seen', () => {
    const id = store.createRun({ modelName: 'vgg-fer', config: {}, seed: 1, datasetFingerprint: null });
    store.updateRun(id, { backend: { name: 'tfjs-node-gpu', gpu: true, device: 'CUDA', attempts: [{ name: 'tfjs-node-gpu', ok: true }], warnings: [] } });
    expect(systemReport(store, { env: env([]), resolveFrom: missing }).fixSteps).toEqual([]);
    store.updateRun(id, { backend: { name: 'cpu', gpu: false, device: null, attempts: [], warnings: [] } });
    expect(systemReport(store, { env: env([]), resolveFrom: missing, platform: 'linux' }).fixSteps[0]).toMatch(/Install the NVIDIA driver/);
  });

  it('reads nvidia-smi output and reports a missing nvidia-smi without throwing', () => {
    const fake = ((() => ({ status: 0, stdout: 'NVIDIA H100, 550.54, 81559\n', stderr: '' })) as unknown) as Parameters<typeof probeNvidiaGpus>[0];
    expect(probeNvidiaGpus(fake)).toEqual({ gpus: [{ name: 'NVIDIA H100', driver: '550.54', memoryMiB: 81559 }], probe: 'nvidia-smi lists 1 GPU(s)' });
    const absent = ((() => ({ error: Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' }) })) as unknown) as Parameters<typeof probeNvidiaGpus>[0];
    expect(probeNvidiaGpus(absent).probe).toMatch(/not found/);
  });
});
