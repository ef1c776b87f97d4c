import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportRunBundle, importRunBundle } from '../../src-main/portable/run-bundle.ts';
import { BundleError } from '../../src-main/portable/bundle-io.ts';
import { RunStore } from '../../src-main/store/run-store.ts';
import { makeEvaluation, populateRun, tempHome } from '../unit/store/helpers.ts';

let dirs: { home: string; cleanup: () => void }[] = [];
const fresh = (): string => {
  const t = tempHome();
  dirs.push(t);
  return t.home;
};
beforeEach(() => (dirs = []));
afterEach(() => dirs.forEach((d) => d.cleanup()));

/** A finished run with metrics, two evaluations (test with predictions, val without) and a best checkpoint. */
function sourceRun(home: string): { store: RunStore; runId: number } {
  const store = RunStore.open(home, { isAlive: () => false });
  store.upsertDataset({ fingerprint: 'fp-1', name: 'fer2013', source: '/data/fer2013', format: 'kaggle-folders', classNames: ['angry', 'happy', 'sad'], counts: { train: [3, 3, 3] } });
  const runId = populateRun(store, 'fp-1', 'dcnnbea');
  store.addEvaluation({ runId, split: 'val', tta: true, checkpoint: 'best', report: makeEvaluation(9, 3).report });
  store.setNotes(runId, 'trained on the cluster');
  store.markRunning(runId, 4242);
  store.finishRun(runId, 'completed');
  const best = join(store.runDir(runId), 'best');
  mkdirSync(best, { recursive: true });
  writeFileSync(join(best, 'weights.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251)));
  writeFileSync(join(best, 'weights.json'), '[]');
  writeFileSync(join(best, 'state.json'), JSON.stringify({ version: 1, epoch: 3 }));
  return { store, runId };
}

describe('export-run -> import-run', () => {
  it('gives identical metrics, evaluations, predictions and checkpoint in a fresh home', async () => {
    const { store: a, runId } = sourceRun(fresh());
    const file = join(fresh(), 'run.ferrun');
    const out = await exportRunBundle(a, runId, file);
    expect(out.manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['run.json', 'config.json', 'metrics/epochs.json', 'evaluations.json', 'environment.json', 'checkpoints/best/weights.bin']));
    await expect(exportRunBundle(a, runId, file)).rejects.toThrow(/already exists/);

    const b = RunStore.open(fresh());
    const { runId: newId, sourceRunId } = await importRunBundle(b, file);
    expect(sourceRunId).toBe(runId);
    const [ra, rb] = [a.requireRun(runId), b.requireRun(newId)];
    for (const k of ['modelName', 'seed', 'datasetFingerprint', 'status', 'epochsDone', 'bestEpoch', 'bestValAcc', 'testAcc', 'notes', 'tags', 'backend', 'versions'] as const) expect(rb[k]).toEqual(ra[k]);
    expect(b.getRunConfig(newId)).toEqual(a.getRunConfig(runId));
    expect(b.getDataset('fp-1')?.classNames).toEqual(['angry', 'happy', 'sad']);
    expect(b.getEpochMetrics(newId)).toEqual(a.getEpochMetrics(runId));
    expect(b.getBatchMetrics(newId)).toEqual(a.getBatchMetrics(runId));
    const [ea, eb] = [a.listEvaluations(runId), b.listEvaluations(newId)];
    expect(eb.map((e) => [e.split, e.tta, e.checkpoint, e.report, e.hasPredictions])).toEqual(ea.map((e) => [e.split, e.tta, e.checkpoint, e.report, e.hasPredictions]));
    const test = (s: RunStore, id: number) => s.getPredictions(s.latestEvaluation(id, 'test')!.id);
    expect(test(b, newId)).toEqual(test(a, runId));
    expect(readFileSync(join(b.runDir(newId), 'best', 'weights.bin'))).toEqual(readFileSync(join(a.runDir(runId), 'best', 'weights.bin')));
    expect(b.getArtifact(newId, 'best')?.epoch).toBe(3);

    // The same run again, and the run re-exported from its new home, are both refused as duplicates.
    await expect(importRunBundle(b, file)).rejects.toThrow(/already in .* \(run 1\); it was not imported again/);
    const again = join(fresh(), 'again.ferrun');
    await exportRunBundle(b, newId, again);
    await expect(importRunBundle(a, again)).rejects.toThrow(/already in/);
    expect(b.listRuns()).toHaveLength(1);
    a.close();
    b.close();
  });

  it('refuses a tampered, truncated or foreign bundle and leaves the store untouched', async () => {
    const { store: a, runId } = sourceRun(fresh());
    const dir = fresh();
    const file = join(dir, 'run.ferrun');
    await exportRunBundle(a, runId, file);
    const tarBytes = gunzipSync(readFileSync(file));

    // Change one character inside config.json's content (the manifest still has the old hash).
    const at = tarBytes.indexOf(Buffer.from('"adadelta"'));
    expect(at).toBeGreaterThan(0);
    const edited = Buffer.from(tarBytes);
    edited.write('"adadeltb"', at);
    writeFileSync(join(dir, 'tampered.ferrun'), gzipSync(edited));
    writeFileSync(join(dir, 'truncated.ferrun'), readFileSync(file).subarray(0, 200));
    writeFileSync(join(dir, 'foreign.ferrun'), gzipSync(Buffer.from('hello')));

    const b = RunStore.open(fresh());
    await expect(importRunBundle(b, join(dir, 'tampered.ferrun'))).rejects.toThrow(/corrupt or was modified: the SHA-256 of 'config.json' does not match the manifest; it was not imported/);
    await expect(importRunBundle(b, join(dir, 'truncated.ferrun'))).rejects.toThrow(BundleError);
    await expect(importRunBundle(b, join(dir, 'foreign.ferrun'))).rejects.toThrow(/corrupt or was modified/);
    await expect(importRunBundle(b, join(dir, 'missing.ferrun'))).rejects.toThrow(/cannot read run bundle/);
    expect(b.listRuns()).toEqual([]);
    // The original still imports.
    await expect(importRunBundle(b, file)).resolves.toMatchObject({ runId: 1 });
    a.close();
    b.close();
  });
});
