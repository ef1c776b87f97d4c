import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, DB_FILE, RunStore, StoreError } from '../../../src-main/store/run-store.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/store/migrations.ts';
import { makeEvaluation, populateRun, tempHome } from './helpers.ts';

const DATASET = { fingerprint: 'fp-synthetic', name: 'synthetic', source: '/data/synthetic', format: 'class-folders', classNames: ['angry', 'happy', 'sad'], counts: { train: 30, val: 6, test: 12 } };

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => cleanup());

/** Row counts of every table, per run where the table has a run_id. */
function counts(file: string, runId: number): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const one = (sql: string): number => db.prepare(sql).pluck().get(runId) as number;
    return {
      runs: one('SELECT COUNT(*) FROM runs WHERE id = ?'),
      configs: one('SELECT COUNT(*) FROM run_configs WHERE run_id = ?'),
      tags: one('SELECT COUNT(*) FROM run_tags WHERE run_id = ?'),
      epochs: one('SELECT COUNT(*) FROM epoch_metrics WHERE run_id = ?'),
      batches: one('SELECT COUNT(*) FROM batch_metrics WHERE run_id = ?'),
      evaluations: one('SELECT COUNT(*) FROM evaluations WHERE run_id = ?'),
      predictions: one('SELECT COUNT(*) FROM predictions p JOIN evaluations e ON e.id = p.evaluation_id WHERE e.run_id = ?'),
      artifacts: one('SELECT COUNT(*) FROM artifacts WHERE run_id = ?'),
    };
  } finally {
    db.close();
  }
}

describe('RunStore open and migrations', () => {
  it('creates runs.db from nothing (and from an empty file) at the current schema with WAL and foreign keys', () => {
    for (const prepare of [() => {}, () => writeFileSync(join(home, DB_FILE), '')]) {
      cleanup();
      mkdirSync(home, { recursive: true });
      prepare();
      const store = RunStore.open(home);
      expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
      expect(store.integrityCheck()).toEqual(['ok']);
      store.close();
      const db = new Database(join(home, DB_FILE), { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
      // Later migrations (e.g. the experiment queue's) add their own tables next to these.
      expect(tables).toEqual(expect.arrayContaining(['artifacts', 'batch_metrics', 'datasets', 'epoch_metrics', 'evaluations', 'predictions', 'run_configs', 'run_tags', 'runs']));
      db.close();
    }
  });

  it('enforces foreign keys (a run cannot name an unknown dataset)', () => {
    const store = RunStore.open(home);
    expect(() => store.createRun({ modelName: 'vgg16', config: {}, seed: 1, datasetFingerprint: 'nope' })).toThrow(/FOREIGN KEY/);
    expect(store.listRuns()).toHaveLength(0);
    store.close();
  });

  it('keeps everything across close and reopen', () => {
    let store = RunStore.open(home);
    store.upsertDataset(DATASET);
    const id = populateRun(store, DATASET.fingerprint);
    store.setNotes(id, 'first try');
    store.updateRun(id, { bestEpoch: 3, bestValAcc: 0.54 });
    store.finishRun(id, 'completed');
    store.close();

    store = RunStore.open(home);
    const run = store.requireRun(id);
    expect(run).toMatchObject({ modelName: 'dcnnbea', seed: 42, status: 'completed', notes: 'first try', tags: ['baseline'], epochsDone: 3, bestEpoch: 3, datasetFingerprint: 'fp-synthetic' });
    expect(run.bestValAcc).toBeCloseTo(0.54, 12);
    expect(run.testAcc).toBeCloseTo(0.5, 12); // makeEvaluation(12, 2): every second sample right
    expect(store.getRunConfig(id)).toEqual({ model: 'dcnnbea', epochs: 3, optimizer: { name: 'adadelta', lr: 1 } });
    expect(store.getEpochMetrics(id).map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(store.getBatchMetrics(id)).toHaveLength(9);
    expect(store.getBatchMetrics(id, 3)).toHaveLength(3);
    expect(store.getDataset('fp-synthetic')).toMatchObject({ name: 'synthetic', classNames: ['angry', 'happy', 'sad'], counts: { test: 12 } });
    const [ev] = store.listEvaluations(id);
    expect(ev).toMatchObject({ split: 'test', tta: false, checkpoint: 'best', numSamples: 12, hasPredictions: true });
    expect(ev?.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
    const p = store.getPredictions(ev!.id)!;
    const expected = makeEvaluation(12, 2).predictions;
    expect(Array.from(p.sampleIndex)).toEqual(Array.from(expected.sampleIndex));
    expect(Array.from(p.trueLabels)).toEqual(Array.from(expected.trueLabels));
    expect(Array.from(p.predicted)).toEqual(Array.from(expected.predicted));
    expect(Array.from(p.probability)).toEqual(Array.from(expected.probability));
    expect(store.getArtifacts(id).map((a) => a.kind)).toEqual(['best', 'last']);
    expect(store.integrityCheck()).toEqual(['ok']);
    store.close();
  });

  it('upgrades an older database step by step and keeps its data; a failing step rolls back', () => {
    let store = RunStore.open(home);
    store.upsertDataset(DATASET);
    const id = populateRun(store, DATASET.fingerprint);
    store.close();
    const before = counts(join(home, DB_FILE), id);

    // A step that fails half-way leaves the database at the old version with nothing changed.
    const broken = [...MIGRATIONS, (db: Database.Database) => {
      db.exec('CREATE TABLE half_done (a)');
      throw new Error('simulated failure');
    }];
    expect(() => RunStore.open(home, { migrations: broken })).toThrow(/cannot prepare or upgrade run database .*runs\.db: simulated failure/);
    store = RunStore.open(home);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    store.close();
    let db = new Database(join(home, DB_FILE), { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
    expect(counts(join(home, DB_FILE), id)).toEqual(before);

    // A good step: version goes up, rows stay, the new column exists.
    const next = [...MIGRATIONS, (d: Database.Database) => d.exec("ALTER TABLE runs ADD COLUMN future TEXT NOT NULL DEFAULT 'x'")];
    store = RunStore.open(home, { migrations: next });
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION + 1);
    expect(store.requireRun(id).modelName).toBe('dcnnbea');
    expect(store.integrityCheck()).toEqual(['ok']);
    store.close();
    expect(counts(join(home, DB_FILE), id)).toEqual(before);
    db = new Database(join(home, DB_FILE), { readonly: true });
    expect(db.prepare('SELECT future FROM runs WHERE id = ?').pluck().get(id)).toBe('x');
    db.close();

    // This (older) code now refuses it and leaves every byte as it was.
    const bytes = readFileSync(join(home, DB_FILE));
    expect(() => RunStore.open(home)).toThrow(/newer FER Lab/);
    expect(readFileSync(join(home, DB_FILE)).equals(bytes)).toBe(true);
  });

  it('several processes opening a new home at once migrate it once and all succeed', async () => {
    const script = join(home, 'open.mts');
    const storeModule = pathToFileURL(resolve(__dirname, '../../../src-main/store/run-store.ts')).href;
    writeFileSync(
      script,
      `import { RunStore } from ${JSON.stringify(storeModule)};
       const s = RunStore.open(process.argv[2]);
       const id = s.createRun({ modelName: 'p' + process.pid, config: {}, seed: 0, datasetFingerprint: null });
       process.stdout.write(String(s.schemaVersion()) + ' ' + id);
       s.close();`,
    );
    const db = join(home, 'shared');
    const runOne = (): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, db], { cwd: resolve(__dirname, '../../..') });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += String(d)));
        child.stderr.on('data', (d) => (err += String(d)));
        child.on('close', (code) => done({ code, out, err }));
      });
    const results = await Promise.all([runOne(), runOne(), runOne()]);
    for (const r of results) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out.split(' ')[0]).toBe(String(SCHEMA_VERSION));
    }
    const store = RunStore.open(db);
    expect(store.listRuns()).toHaveLength(3);
    expect(store.integrityCheck()).toEqual(['ok']);
    store.close();
  });

  it('replaces an epoch recorded again after a resume and keeps epochsDone at the maximum', () => {
    const store = RunStore.open(home);
    const id = store.createRun({ modelName: 'vgg16', config: {}, seed: 1, datasetFingerprint: null });
    const m = { trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, lr: 0.1, elapsedMs: 10, numTensors: 5 };
    store.recordEpoch(id, { epoch: 1, ...m });
    store.recordEpoch(id, { epoch: 2, ...m });
    store.recordEpoch(id, { epoch: 2, ...m, trainLoss: 0.25 });
    expect(store.getEpochMetrics(id).map((e) => [e.epoch, e.trainLoss])).toEqual([[1, 1], [2, 0.25]]);
    expect(store.requireRun(id).epochsDone).toBe(2);
    expect(() => store.recordEpoch(999, { epoch: 1, ...m })).toThrow(/no run with id 999/);
    store.close();
  });
});

describe('RunStore runs', () => {
  it('lists runs newest first with status, model and tag filters; edits tags and notes', () => {
    const store = RunStore.open(home);
    const a = store.createRun({ modelName: 'dcnnbea', config: {}, seed: 1, datasetFingerprint: null, tags: ['paper'] });
    const b = store.createRun({ modelName: 'vgg16', config: {}, seed: 2, datasetFingerprint: null });
    const c = store.createRun({ modelName: 'dcnnbea', config: {}, seed: 3, datasetFingerprint: null });
    store.markRunning(b, process.pid);
    store.finishRun(c, 'failed', 'CUDA out of memory');
    expect(store.listRuns().map((r) => r.id)).toEqual([c, b, a]);
    expect(store.listRuns({ modelName: 'dcnnbea' }).map((r) => r.id)).toEqual([c, a]);
    expect(store.listRuns({ status: 'running' }).map((r) => r.id)).toEqual([b]);
    expect(store.listRuns({ status: ['queued', 'failed'] }).map((r) => r.id)).toEqual([c, a]);
    expect(store.listRuns({ tag: 'paper' }).map((r) => r.id)).toEqual([a]);
    expect(store.listRuns({ limit: 1 }).map((r) => r.id)).toEqual([c]);
    expect(store.requireRun(c)).toMatchObject({ status: 'failed', error: 'CUDA out of memory', workerPid: null });
    expect(store.requireRun(c).finishedAt).not.toBeNull();
    expect(() => store.listRuns({ status: 'bogus' as never })).toThrow(/unknown run status 'bogus'/);

    store.setTags(a, ['z', ' paper ', '', 'z']);
    expect(store.requireRun(a).tags).toEqual(['paper', 'z']);
    store.addTag(a, 'best');
    store.removeTag(a, 'z');
    expect(store.requireRun(a).tags).toEqual(['best', 'paper']);
    store.setNotes(a, 'note');
    expect(store.requireRun(a).notes).toBe('note');
    expect(() => store.setNotes(12345, 'x')).toThrow(StoreError);
    store.close();
  });

  it('deleting a run removes its rows and its folder, and nothing else', () => {
    const store = RunStore.open(home);
    store.upsertDataset(DATASET);
    const keep = populateRun(store, DATASET.fingerprint, 'vgg16');
    const gone = populateRun(store, DATASET.fingerprint, 'dcnnbea');
    for (const id of [keep, gone]) {
      mkdirSync(join(store.runDir(id), 'best'), { recursive: true });
      writeFileSync(join(store.runDir(id), 'best', 'weights.bin'), 'w');
    }
    // Files that merely sit next to the run folder, and a checkpoint path outside home/runs/<id>.
    const outside = join(home, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.txt'), 'k');
    writeFileSync(join(home, 'runs', 'notes.txt'), 'n');
    store.setArtifact(gone, 'last', 3, outside);
    const file = store.file;
    const before = counts(file, keep);
    expect(Object.values(counts(file, gone)).every((n) => n > 0)).toBe(true);

    store.deleteRun(gone);

    expect(store.getRun(gone)).toBeNull();
    expect(counts(file, gone)).toEqual({ runs: 0, configs: 0, tags: 0, epochs: 0, batches: 0, evaluations: 0, predictions: 0, artifacts: 0 });
    expect(counts(file, keep)).toEqual(before);
    expect(existsSync(store.runDir(gone))).toBe(false);
    expect(readdirSync(join(home, 'runs')).sort()).toEqual([String(keep), 'notes.txt']);
    expect(existsSync(join(store.runDir(keep), 'best', 'weights.bin'))).toBe(true);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('k');
    expect(store.getDataset(DATASET.fingerprint)).not.toBeNull();
    // A new run never reuses the deleted id (its folder name).
    expect(store.createRun({ modelName: 'x', config: {}, seed: 0, datasetFingerprint: null })).toBeGreaterThan(gone);
    expect(() => store.deleteRun(gone)).toThrow(/no run with id/);
    expect(store.integrityCheck()).toEqual(['ok']);
    store.close();
  });

  it('deleting a run whose folder is a symbolic link removes the link, not what it points to', () => {
    const store = RunStore.open(home);
    const id = store.createRun({ modelName: 'x', config: {}, seed: 0, datasetFingerprint: null });
    const target = join(home, 'precious');
    mkdirSync(target);
    writeFileSync(join(target, 'data.bin'), 'keep me');
    mkdirSync(join(home, 'runs'));
    symlinkSync(target, store.runDir(id), 'dir');
    store.deleteRun(id);
    expect(existsSync(store.runDir(id))).toBe(false);
    expect(readFileSync(join(target, 'data.bin'), 'utf8')).toBe('keep me');
    store.close();
  });

  it('refuses to delete a run whose worker is alive', () => {
    const store = RunStore.open(home);
    const id = store.createRun({ modelName: 'x', config: {}, seed: 0, datasetFingerprint: null });
    store.markRunning(id, process.pid);
    expect(() => store.deleteRun(id)).toThrow(/is running/);
    expect(store.getRun(id)).not.toBeNull();
    store.close();
  });

  it("marks runs left 'running' by a dead worker as interrupted on open, and leaves live ones", () => {
    // A real pid that has exited: a finished child process.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    expect(deadPid).toBeGreaterThan(0);

    let store = RunStore.open(home);
    const dead = store.createRun({ modelName: 'x', config: {}, seed: 0, datasetFingerprint: null });
    const live = store.createRun({ modelName: 'x', config: {}, seed: 0, datasetFingerprint: null });
    const done = store.createRun({ modelName: 'x', config: {}, seed: 0, datasetFingerprint: null });
    store.markRunning(dead, deadPid);
    store.markRunning(live, process.pid);
    store.markRunning(done, deadPid);
    store.finishRun(done, 'completed');
    store.close();

    store = RunStore.open(home);
    expect(store.requireRun(dead)).toMatchObject({ status: 'interrupted', workerPid: null, error: `worker process ${deadPid} ended without reporting` });
    expect(store.requireRun(live)).toMatchObject({ status: 'running', workerPid: process.pid });
    expect(store.requireRun(done).status).toBe('completed');
    expect(store.integrityCheck()).toEqual(['ok']);
    // Resuming the interrupted run makes it running again and clears the error.
    store.markRunning(dead, process.pid);
    store.updateRun(dead, { resumedFromEpoch: 2 });
    expect(store.requireRun(dead)).toMatchObject({ status: 'running', error: null, resumedFromEpoch: 2 });
    store.close();

    // The injected liveness check decides, so the engine's own tests can simulate a crash.
    store = RunStore.open(home, { isAlive: () => false });
    expect(store.requireRun(live).status).toBe('interrupted');
    expect(store.requireRun(dead).status).toBe('interrupted');
    store.close();
  });

  it('checks evaluation predictions for consistent lengths', () => {
    const store = RunStore.open(home);
    const id = store.createRun({ modelName: 'x', config: {}, seed: 0, datasetFingerprint: null });
    const ev = makeEvaluation(6, 2);
    expect(() => store.addEvaluation({ runId: id, split: 'val', tta: false, report: ev.report, predictions: { ...ev.predictions, predicted: new Uint8Array(5) } })).toThrow(/unequal lengths/);
    const evalId = store.addEvaluation({ runId: id, split: 'val', tta: true, report: ev.report });
    expect(store.getEvaluation(evalId)).toMatchObject({ split: 'val', tta: true, hasPredictions: false });
    expect(store.getPredictions(evalId)).toBeNull();
    expect(store.latestEvaluation(id, 'val', false)).toBeNull();
    expect(store.latestEvaluation(id, 'val')?.id).toBe(evalId);
    expect(store.requireRun(id).testAcc).toBeNull(); // only a test-split evaluation sets it
    store.close();
  });
});

describe('RunStore refuses bad databases and homes without touching them', () => {
  function expectRefused(bytes: Buffer, pattern: RegExp): void {
    const file = join(home, DB_FILE);
    writeFileSync(file, bytes);
    let err: unknown;
    try {
      RunStore.open(home).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toContain(file);
    expect((err as StoreError).message).toMatch(pattern);
    expect((err as StoreError).file).toBe(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  }

  it('a file that is not SQLite', () => {
    expectRefused(Buffer.from('this is not a database, just some text that happens to be here\n'.repeat(100)), /corrupt or not an SQLite database; it was left unchanged/);
  });

  it('a file with the SQLite header but garbage after it', () => {
    const bytes = Buffer.alloc(8192, 0xab);
    bytes.write('SQLite format 3\0', 0, 'latin1');
    expectRefused(bytes, /corrupt or not a database/);
  });

  it('a database written by a newer FER Lab', () => {
    const file = join(home, 'make.db');
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, future TEXT); INSERT INTO runs (future) VALUES (\'x\')');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.close();
    expectRefused(readFileSync(file), new RegExp(`newer FER Lab \\(schema version ${SCHEMA_VERSION + 1}; this version knows up to ${SCHEMA_VERSION}\\)`));
  });

  it('an SQLite database that belongs to something else', () => {
    const file = join(home, 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    db.close();
    expectRefused(readFileSync(file), /not a FER Lab run database/);
  });

  it('a home folder that cannot be created or is a file', () => {
    const asFile = join(home, 'plain-file');
    writeFileSync(asFile, 'x');
    expect(() => RunStore.open(asFile)).toThrow(/home folder .*plain-file is not a writable folder/);
    expect(() => RunStore.open(join(asFile, 'sub'))).toThrow(StoreError);
    expect(readFileSync(asFile, 'utf8')).toBe('x');
  });
});
