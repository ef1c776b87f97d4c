/**
 * `fer-lab export-run` / `import-run`: one run as a self-contained bundle (see bundle-io.ts) that
 * carries its config, dataset description, epoch and batch metrics, every evaluation with its
 * per-sample predictions, the best (and optionally the last) checkpoint, and the environment it was
 * trained and exported on. A researcher trains headless on a GPU server, exports, and imports the
 * bundle into the desktop app's home to compare it with everything else.
 *
 * A run keeps one identity (runUid) across homes, so importing it twice is refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { blobToFloat32, blobToUint32, blobToUint8, float32ToBlob, uint32ToBlob, uint8ToBlob } from '../store/blobs.ts';
import { checkpointDir } from '../ml/train/checkpoint.ts';
import type { RunStore, RunRecord, StoredPredictions, CheckpointKind, EvaluationRecord, DatasetRecord, EpochMetrics, BatchMetrics } from '../store/run-store.ts';
import { BundleError, readBundle, writeBundle, type BundleSource, type Manifest } from './bundle-io.ts';
import { collectEnvironment } from './environment.ts';

export interface ExportOptions {
  /** Also include the 'last' checkpoint so the run can be resumed after import. */
  includeLast?: boolean;
}

export interface ExportResult {
  file: string;
  runUid: string;
  manifest: Manifest;
}

export interface ImportResult {
  runId: number;
  runUid: string;
  sourceRunId: number;
}

// ---- run identity ----

/** The run's identity: its import origin if it came from a bundle, else a hash of what defines it. */
export function runUid(store: RunStore, run: RunRecord): string {
  const uid = store.connection.prepare('SELECT uid FROM run_origins WHERE run_id = ?').pluck().get(run.id) as string | undefined;
  if (uid) return uid;
  const basis = JSON.stringify({ createdAt: run.createdAt, model: run.modelName, seed: run.seed, dataset: run.datasetFingerprint, config: store.getRunConfig(run.id) });
  return createHash('sha256').update(basis).digest('hex');
}

// ---- export ----

interface EvaluationEntry {
  sourceId: number;
  split: string;
  tta: boolean;
  checkpoint: CheckpointKind | null;
  report: EvaluationRecord['report'];
  createdAt: string;
  /** Folder under predictions/ holding the four arrays, or null. */
  predictions: string | null;
}

function listFiles(dir: string, prefix: string): BundleSource[] {
  const out: BundleSource[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listFiles(p, `${prefix}/${name}`));
    else if (st.isFile()) out.push({ path: `${prefix}/${name}`, file: p });
  }
  return out;
}

const json = (v: unknown): Buffer => Buffer.from(`${JSON.stringify(v, null, 2)}\n`);

export async function exportRunBundle(store: RunStore, runId: number, file: string, options: ExportOptions = {}): Promise<ExportResult> {
  const run = store.requireRun(runId);
  if (run.status === 'running' || run.status === 'queued') throw new BundleError(`run ${runId} is ${run.status}; export it once it has finished or been stopped`, file);
  const target = resolve(file);
  if (existsSync(target)) throw new BundleError(`${target} already exists; choose another file name (nothing was overwritten)`, target);
  const uid = runUid(store, run);
  const sources: BundleSource[] = [];
  sources.push({ path: 'run.json', data: json(run) });
  sources.push({ path: 'config.json', data: json(store.getRunConfig(runId)) });
  sources.push({ path: 'dataset.json', data: json(run.datasetFingerprint ? store.getDataset(run.datasetFingerprint) : null) });
  sources.push({ path: 'metrics/epochs.json', data: json(store.getEpochMetrics(runId)) });
  sources.push({ path: 'metrics/batches.json', data: json(store.getBatchMetrics(runId)) });

  const evaluations: EvaluationEntry[] = [];
  for (const ev of store.listEvaluations(runId)) {
    const preds = ev.hasPredictions ? store.getPredictions(ev.id) : null;
    const folder = preds ? `predictions/${ev.id}` : null;
    if (preds && folder) {
      sources.push({ path: `${folder}/sample_index.u32le`, data: uint32ToBlob(preds.sampleIndex) });
      sources.push({ path: `${folder}/true_label.u8`, data: uint8ToBlob(preds.trueLabels) });
      sources.push({ path: `${folder}/predicted.u8`, data: uint8ToBlob(preds.predicted) });
      sources.push({ path: `${folder}/probability.f32le`, data: float32ToBlob(preds.probability) });
    }
    evaluations.push({ sourceId: ev.id, split: ev.split, tta: ev.tta, checkpoint: ev.checkpoint, report: ev.report, createdAt: ev.createdAt, predictions: folder });
  }
  sources.push({ path: 'evaluations.json', data: json(evaluations) });

  const runDir = store.runDir(runId);
  const checkpoints: { kind: CheckpointKind; epoch: number }[] = [];
  for (const kind of ['best', ...(options.includeLast ? ['last'] : [])] as CheckpointKind[]) {
    const dir = checkpointDir(runDir, kind);
    const artifact = store.getArtifact(runId, kind);
    if (!dir) {
      if (kind === 'best' && artifact) throw new BundleError(`run ${runId}'s best checkpoint is recorded but missing from ${runDir}`, target);
      continue;
    }
    sources.push(...listFiles(dir, `checkpoints/${kind}`));
    checkpoints.push({ kind, epoch: artifact?.epoch ?? (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { epoch: number }).epoch });
  }
  sources.push({ path: 'checkpoints.json', data: json(checkpoints) });
  sources.push({
    path: 'environment.json',
    data: json({ trainedOn: { backend: run.backend, versions: run.versions }, exportedOn: collectEnvironment(), exportedAt: new Date().toISOString() }),
  });
  const manifest = await writeBundle(target, uid, sources);
  return { file: target, runUid: uid, manifest };
}

// ---- import ----

const evaluationEntrySchema = z.object({
  sourceId: z.int(),
  split: z.string().min(1),
  tta: z.boolean(),
  checkpoint: z.enum(['best', 'last']).nullable(),
  report: z.object({ numSamples: z.int().min(0), accuracy: z.number(), macroF1: z.number() }).passthrough(),
  createdAt: z.string(),
  predictions: z.string().nullable(),
});

const runSchema = z
  .object({
    id: z.int(),
    modelName: z.string().min(1),
    seed: z.int(),
    datasetFingerprint: z.string().nullable(),
    status: z.enum(['completed', 'stopped', 'failed', 'interrupted']),
    error: z.string().nullable(),
    backend: z.record(z.string(), z.unknown()),
    versions: z.record(z.string(), z.unknown()),
    bestEpoch: z.int().nullable(),
    bestValAcc: z.number().nullable(),
    testAcc: z.number().nullable(),
    resumedFromEpoch: z.int().nullable(),
    notes: z.string(),
    tags: z.array(z.string()),
  })
  .passthrough();

function readJson<T>(dir: string, name: string, schema: z.ZodType<T>, bundle: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch (err) {
    throw new BundleError(`run bundle ${bundle}: ${name} is missing or not valid JSON (${(err as Error).message})`, bundle);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new BundleError(`run bundle ${bundle}: ${name} is malformed (${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`, bundle);
  return r.data;
}

function readPredictions(dir: string, folder: string, bundle: string): StoredPredictions {
  const read = (name: string): Buffer => {
    const p = join(dir, ...folder.split('/'), name);
    if (!existsSync(p)) throw new BundleError(`run bundle ${bundle}: ${folder}/${name} is missing`, bundle);
    return readFileSync(p);
  };
  return {
    sampleIndex: blobToUint32(read('sample_index.u32le')),
    trueLabels: blobToUint8(read('true_label.u8')),
    predicted: blobToUint8(read('predicted.u8')),
    probability: blobToFloat32(read('probability.f32le')),
  };
}

/** Imports a bundle into `store`'s home; refuses corrupt or tampered bundles and runs already present. */
export async function importRunBundle(store: RunStore, file: string): Promise<ImportResult> {
  const bundle = resolve(file);
  const staging = join(store.home, 'tmp', `import-${randomBytes(6).toString('hex')}`);
  let newRunId: number | null = null;
  try {
    const manifest = await readBundle(bundle, staging);
    let existing = store.connection.prepare('SELECT run_id FROM run_origins WHERE uid = ?').pluck().get(manifest.runUid) as number | undefined;
    if (existing === undefined) {
      // A run exported from this very home has no origin row: compare identities directly.
      existing = store.listRuns().find((r) => runUid(store, r) === manifest.runUid)?.id;
    }
    if (existing !== undefined) throw new BundleError(`run bundle ${bundle} holds a run that is already in ${store.home} (run ${existing}); it was not imported again`, bundle);

    const run = readJson(staging, 'run.json', runSchema, bundle);
    const config = readJson(staging, 'config.json', z.record(z.string(), z.unknown()), bundle);
    const dataset = readJson(staging, 'dataset.json', z.object({ fingerprint: z.string(), name: z.string(), source: z.string(), format: z.string(), classNames: z.array(z.string()), counts: z.record(z.string(), z.unknown()) }).passthrough().nullable(), bundle) as DatasetRecord | null;
    const epochs = readJson(staging, 'metrics/epochs.json', z.array(z.object({ epoch: z.int().min(1) }).passthrough()), bundle) as unknown as EpochMetrics[];
    const batches = readJson(staging, 'metrics/batches.json', z.array(z.object({ epoch: z.int(), batch: z.int(), atMs: z.number() }).passthrough()), bundle) as unknown as BatchMetrics[];
    const evaluations = readJson(staging, 'evaluations.json', z.array(evaluationEntrySchema), bundle);
    const checkpoints = readJson(staging, 'checkpoints.json', z.array(z.object({ kind: z.enum(['best', 'last']), epoch: z.int().min(0) })), bundle);
    const predictions = evaluations.map((e) => (e.predictions ? readPredictions(staging, e.predictions, bundle) : undefined));
    for (const c of checkpoints) {
      if (!existsSync(join(staging, 'checkpoints', c.kind, 'state.json'))) throw new BundleError(`run bundle ${bundle}: checkpoints/${c.kind} is incomplete (no state.json)`, bundle);
    }
    if (run.datasetFingerprint && (!dataset || dataset.fingerprint !== run.datasetFingerprint)) {
      throw new BundleError(`run bundle ${bundle}: dataset.json does not describe the run's dataset ${run.datasetFingerprint}`, bundle);
    }

    // Everything is read and checked; now write. Any failure from here removes the new run again.
    if (dataset && !store.getDataset(dataset.fingerprint)) {
      store.upsertDataset({ fingerprint: dataset.fingerprint, name: dataset.name, source: dataset.source, format: dataset.format, classNames: dataset.classNames, counts: dataset.counts as Record<string, unknown> });
    }
    newRunId = store.createRun({
      modelName: run.modelName,
      config,
      seed: run.seed,
      datasetFingerprint: run.datasetFingerprint,
      backend: run.backend,
      versions: run.versions,
      notes: run.notes,
      tags: run.tags,
    });
    for (const e of epochs) store.recordEpoch(newRunId, e);
    store.appendBatchMetrics(newRunId, batches);
    evaluations.forEach((e, i) => {
      const p = predictions[i];
      store.addEvaluation({ runId: newRunId as number, split: e.split, tta: e.tta, checkpoint: e.checkpoint, report: e.report as unknown as EvaluationRecord['report'], ...(p ? { predictions: p } : {}) });
    });
    const runDir = store.runDir(newRunId);
    for (const c of checkpoints) {
      const dest = join(runDir, c.kind);
      cpSync(join(staging, 'checkpoints', c.kind), dest, { recursive: true });
      store.setArtifact(newRunId, c.kind, c.epoch, dest);
    }
    store.updateRun(newRunId, { bestEpoch: run.bestEpoch, bestValAcc: run.bestValAcc, testAcc: run.testAcc, resumedFromEpoch: run.resumedFromEpoch });
    store.finishRun(newRunId, run.status, run.error);
    store.connection.prepare('INSERT INTO run_origins (run_id, uid, source, imported_at) VALUES (?, ?, ?, ?)').run(newRunId, manifest.runUid, bundle, new Date().toISOString());
    return { runId: newRunId, runUid: manifest.runUid, sourceRunId: run.id };
  } catch (err) {
    if (newRunId !== null) {
      try {
        store.deleteRun(newRunId);
      } catch {
        // The original error is what the user needs; a leftover half run is named in it below.
      }
    }
    if (err instanceof BundleError) throw err;
    throw new BundleError(`importing run bundle ${bundle} failed: ${(err as Error).message}`, bundle, { cause: err });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
