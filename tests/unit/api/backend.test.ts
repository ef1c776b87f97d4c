import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/api/backend/create-backend.ts';
import { PRESETS } from '../../../src-main/api/backend/presets.ts';
import { mcnemar } from '../../../src-main/ml/metrics/mcnemar.ts';
import { deepMerge } from '../../../src-renderer/src/lib/json-schema.ts';
import { makeKaggleFolder, snapshotTree, tempDir } from '../../helpers/dataset-fixtures.ts';
import { dispatch } from '../../../src-main/api/dispatch.ts';
import type { MethodName, MethodResult } from '../../../src-main/api/contract.ts';
import { seedDataset, seedRun } from './seed-runs.ts';

describe('API backend over a real store (no training)', () => {
  let home: string;
  let backend: Backend;
  let a: number;
  let b: number;
  let c: number;
  const call = <K extends MethodName>(method: K, args?: unknown) => dispatch(backend.handlers, method, args) as Promise<MethodResult<K>>;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'fer-api-home-'));
    backend = createBackend({ home, mode: 'browser' });
    const fp = seedDataset(backend.store);
    a = seedRun(backend.store, { epochs: 5, testSamples: 70, skill: 0.7, seed: 1, fingerprint: fp, name: 'relu run' });
    b = seedRun(backend.store, { epochs: 8, testSamples: 70, skill: 0.4, seed: 2, activation: 'tafmn', learningRate: 0.01, fingerprint: fp, name: 'tafmn run' });
    c = seedRun(backend.store, { epochs: 3, testSamples: 35, skill: 0.5, seed: 3, fingerprint: fp });
  });
  afterAll(async () => backend.close());

  it('describes the app', async () => {
    const info = await call('app:info');
    expect(info).toMatchObject({ mode: 'browser', nativeDialogs: false, home });
    expect(await call('app:pickPath', { kind: 'folder' })).toBeNull();
  });

  it('gives the Train form a schema, defaults and presets that the engine accepts', async () => {
    const setup = await call('training:setup');
    const props = setup.schema.properties as Record<string, { enum?: string[]; properties?: Record<string, unknown> }>;
    expect(props.model?.enum).toContain('dcnnbea');
    expect(props.modelConfig?.properties?.activation).toBeDefined();
    expect(props.data?.properties?.path).toBeUndefined();
    expect(setup.presets.map((p: { label: string }) => p.label)).toEqual(['Paper: DCNNBEA', 'Paper: DCNNBEA + TAFMN', 'vgg-fer strong baseline']);
    for (const preset of PRESETS) {
      const config = deepMerge(structuredClone(setup.defaults), preset.config);
      expect(() => backend.runs.validate(config), preset.label).not.toThrow();
    }
    expect(() => backend.runs.validate({ ...setup.defaults, training: { epochs: -1 } })).toThrow(/training\.epochs/);
  });

  it('lists runs with their summary fields', async () => {
    const runs = await call('runs:list');
    expect(runs).toHaveLength(3);
    const ra = runs.find((r: { id: string }) => r.id === String(a))!;
    expect(ra).toMatchObject({ name: 'relu run', model: 'vgg-fer', activation: 'relu', head: 'softmax', status: 'completed', epochsDone: 5, epochsPlanned: 5, datasetName: 'seeded' });
    expect(ra.testAcc).toBeGreaterThan(0.5);
    expect(runs.find((r: { id: string }) => r.id === String(b))!.activation).toBe('tafmn');
  });

  it('returns run detail with curves and the evaluation', async () => {
    const d = await call('runs:get', { runId: String(b) });
    expect(d.epochs).toHaveLength(8);
    expect(d.evaluations[0]!.confusion.flat().reduce((x: number, y: number) => x + y, 0)).toBe(70);
    expect(d.classNames).toHaveLength(7);
    await expect(call('runs:get', { runId: '999' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(call('runs:get', { runId: 'abc' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('edits notes and tags', async () => {
    const r = await call('runs:update', { runId: String(a), notes: 'baseline', tags: ['paper', 'paper', 'relu'] });
    expect(r.notes).toBe('baseline');
    expect([...r.tags].sort()).toEqual(['paper', 'relu']);
    expect((await call('runs:get', { runId: String(a) })).notes).toBe('baseline');
  });

  it('compares runs: differing params only, McNemar on shared samples, notes otherwise', async () => {
    const cmp = await call('compare:get', { runIds: [String(a), String(b), String(c)] });
    const differing = cmp.params.filter((p: { differs: boolean }) => p.differs).map((p: { path: string }) => p.path);
    expect(differing).toContain('modelConfig.activation.kind');
    expect(differing).toContain('training.optimizer.learningRate');
    expect(differing).toContain('training.epochs');
    expect(differing).not.toContain('seed');
    expect(cmp.mcnemar).toHaveLength(1);
    const pair = cmp.mcnemar[0]!;
    // Independent check against the metric module on the stored predictions.
    const preds = (id: number) => {
      const ev = backend.store.latestEvaluation(id, 'test')!;
      const p = backend.store.getPredictions(ev.id)!;
      return Array.from(p.predicted, (v, i) => v === p.trueLabels[i]);
    };
    const expected = mcnemar(preds(a), preds(b));
    expect(pair).toMatchObject({ a: String(a), b: String(b), onlyA: expected.b, onlyB: expected.c });
    expect(pair.pValue).toBeCloseTo(expected.pValue, 12);
    expect(cmp.mcnemarNotes.join(' ')).toMatch(/different test samples/);
  });

  it('exports the comparison as LaTeX and CSV', async () => {
    const tex = await call('compare:export', { runIds: [String(a), String(b)], format: 'latex' });
    expect(tex.filename).toMatch(/\.tex$/);
    expect(tex.content).toContain('\\begin{tabular}{lrr}');
    expect(tex.content).toContain('relu run & tafmn run');
    expect(tex.content).toMatch(/test acc \(\\%\) & \\textbf\{\d+\.\d\d\} & \d+\.\d\d/);
    expect(tex.content).toContain('relu run vs tafmn run');
    const csv = await call('compare:export', { runIds: [String(a), String(b)], format: 'csv' });
    const lines = csv.content.trim().split('\n');
    expect(lines[0]).toBe(`section,field,relu run (#${a}),tafmn run (#${b})`);
    expect(lines.some((l: string) => l.startsWith('param,modelConfig.activation.kind,relu,tafmn'))).toBe(true);
    expect(lines.some((l: string) => l.startsWith('mcnemar,'))).toBe(true);
  });

  it('deletes a run and its files, nothing else', async () => {
    expect(await call('runs:delete', { runId: String(c) })).toBe(true);
    expect((await call('runs:list')).map((r: { id: string }) => r.id).sort()).toEqual([String(a), String(b)].sort());
    expect(existsSync(join(home, 'runs', String(c)))).toBe(false);
  });

  it('imports a dataset folder without writing into it, and serves its report and samples', async () => {
    const dir = tempDir('fer-api-data-');
    await makeKaggleFolder(dir, { perClass: 4, testPerClass: 2, size: 24 });
    const before = snapshotTree(dir);
    const progress: number[] = [];
    const off = backend.events.on((e, p) => {
      if (e === 'datasets:progress') progress.push((p as { done: number }).done);
    });
    const d = await call('datasets:import', { path: dir, imageSize: 24 });
    off();
    expect(snapshotTree(dir)).toEqual(before);
    expect(d.counts.test).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(d.width).toBe(24);
    expect(progress.length).toBeGreaterThan(0);
    expect((await call('datasets:list')).map((x: { id: string }) => x.id)).toEqual([d.id]);
    const samples = await call('datasets:samples', { datasetId: d.id, perClass: 2 });
    expect(samples.perClass).toHaveLength(7);
    const face = samples.perClass[0]!.samples[0]!;
    expect(Buffer.from(face.pixels, 'base64')).toHaveLength(24 * 24);
    await expect(call('datasets:import', { path: join(dir, 'missing') })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(readdirSync(join(home, 'workbench'))).toContain('datasets.json');
  });
});
