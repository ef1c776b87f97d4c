import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CPU_WARNING, defaultLoaders, selectBackend, type BackendLoaders } from '../../../../src-main/ml/backend.ts';

const missing = (what: string) => () => Promise.reject(new Error(`Cannot find package '${what}'`));
// A "GPU" loader that succeeds by handing back the CPU kernels under its own report.
const fakeGpu = (device: string) => () => Promise.resolve({ tfName: 'cpu', gpu: true, device, versions: { fake: '1.0.0' } });

function loaders(overrides: Partial<BackendLoaders>): BackendLoaders {
  return {
    'tfjs-node-gpu': missing('@tensorflow/tfjs-node-gpu'),
    webgpu: () => Promise.reject(new Error('the webgpu package found no GPU adapter')),
    'tfjs-node': missing('@tensorflow/tfjs-node'),
    cpu: defaultLoaders.cpu,
    ...overrides,
  };
}

describe('backend selection', () => {
  it('falls through every missing backend to the CPU with a warning and the reasons', async () => {
    const r = await selectBackend('auto', loaders({}));
    expect(r.name).toBe('cpu');
    expect(r.gpu).toBe(false);
    expect(r.warnings).toEqual([CPU_WARNING]);
    expect(r.attempts.map((a) => [a.name, a.ok])).toEqual([
      ['tfjs-node-gpu', false],
      ['webgpu', false],
      ['tfjs-node', false],
      ['cpu', true],
    ]);
    expect(r.attempts[0]!.error).toContain('@tensorflow/tfjs-node-gpu');
    expect(r.attempts[1]!.error).toContain('no GPU adapter');
    expect(r.versions['@tensorflow/tfjs']).toBe(tf.version.tfjs);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('takes tfjs-node-gpu first when it loads', async () => {
    const r = await selectBackend('auto', loaders({ 'tfjs-node-gpu': fakeGpu('CUDA') }));
    expect(r).toMatchObject({ name: 'tfjs-node-gpu', gpu: true, device: 'CUDA', warnings: [] });
    expect(r.attempts).toHaveLength(1);
    expect(r.versions.fake).toBe('1.0.0');
  });

  it('takes WebGPU when CUDA is missing and an adapter exists, before tfjs-node', async () => {
    const r = await selectBackend('auto', loaders({ webgpu: fakeGpu('Vendor GPU'), 'tfjs-node': fakeGpu('never') }));
    expect(r).toMatchObject({ name: 'webgpu', gpu: true, device: 'Vendor GPU' });
    expect(r.attempts.map((a) => a.ok)).toEqual([false, true]);
  });

  it('takes tfjs-node when no GPU backend loads', async () => {
    const cpuNative = () => Promise.resolve({ tfName: 'cpu', gpu: false, device: 'CPU (TensorFlow C library)', versions: {} });
    const r = await selectBackend('auto', loaders({ 'tfjs-node': cpuNative }));
    expect(r).toMatchObject({ name: 'tfjs-node', gpu: false, warnings: [] });
  });

  it('falls through a backend whose initialisation fails (setBackend false)', async () => {
    const broken = () => Promise.resolve({ tfName: 'not-registered-backend', gpu: true, versions: {} });
    const r = await selectBackend('auto', loaders({ 'tfjs-node-gpu': broken }));
    expect(r.name).toBe('cpu');
    expect(r.attempts[0]!.error).toContain('not-registered-backend');
  });

  it('an explicit choice tries only that backend and names why it failed', async () => {
    await expect(selectBackend('tfjs-node-gpu', loaders({}))).rejects.toThrow(/backend 'tfjs-node-gpu' is not available.*tfjs-node-gpu/);
    const r = await selectBackend('cpu', loaders({}));
    expect(r.attempts).toEqual([{ name: 'cpu', ok: true }]);
  });

  it('the real loaders on this machine: no CUDA package, no WebGPU adapter, CPU chosen', async () => {
    const r = await selectBackend('auto');
    // On a machine with a GPU this picks it; here (no GPU, no Vulkan) everything falls through.
    if (r.gpu) return;
    expect(r.attempts.find((a) => a.name === 'tfjs-node-gpu')?.ok).toBe(false);
    expect(r.attempts.find((a) => a.name === 'webgpu')?.ok).toBe(false);
    expect(['cpu', 'tfjs-node']).toContain(r.name);
  });
});
