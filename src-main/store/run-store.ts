import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { blobToFloat32, blobToUint32, blobToUint8, float32ToBlob, uint32ToBlob, uint8ToBlob } from './blobs.ts';
import { StoreError } from './errors.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { isProcessAlive } from './pid.ts';
import {
  RUN_STATUSES,
  type ArtifactRecord,
  type BatchMetrics,
  type CheckpointKind,
  type DatasetInfo,
  type DatasetRecord,
  type EpochMetrics,
  type EvaluationRecord,
  type FinalStatus,
  type JsonObject,
  type NewEvaluation,
  type NewRun,
  type RunFilter,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type StoredPredictions,
} from './types.ts';

export { StoreError } from './errors.ts';
export * from './types.ts';

/** File name of the database inside the home folder. */
export const DB_FILE = 'runs.db';
/** PRAGMA application_id stamped on our databases ("FERL"), so a foreign SQLite file is refused. */
export const APPLICATION_ID = 0x4645524c;
const SQLITE_HEADER = 'SQLite format 3\0';

export interface OpenOptions {
  /** Liveness check for worker pids (tests inject one). */
  isAlive?: (pid: number) => boolean;
  /** Skip marking dead 'running' runs as interrupted (read-only tools that must not write). */
  skipRecovery?: boolean;
  /** The migration list; only tests pass one (to exercise an upgrade beyond the shipped schema). */
  migrations?: ReadonlyArray<Migration>;
  /**
   * Path of a better_sqlite3.node built for the running runtime's ABI. Electron passes its own build
   * here so the Node build in node_modules keeps serving the CLI and tests.
   */
  nativeBinding?: string;
}

interface RunRow {
  id: number;
  model_name: string;
  seed: number;
  dataset_fingerprint: string | null;
  status: RunStatus;
  error: string | null;
  worker_pid: number | null;
  backend: string;
  versions: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  epochs_done: number;
  best_epoch: number | null;
  best_val_acc: number | null;
  test_acc: number | null;
  resumed_from_epoch: number | null;
  notes: string;
  tags: string | null;
}

interface EvaluationRow {
  id: number;
  run_id: number;
  split: string;
  tta: number;
  checkpoint: CheckpointKind | null;
  num_samples: number;
  accuracy: number;
  macro_f1: number;
  metrics: string;
  created_at: string;
  has_predictions: number;
}

const now = (): string => new Date().toISOString();

/**
 * The SQLite run store in `<home>/runs.db`: datasets, runs and their configs, epoch and batch
 * metrics, evaluations with per-sample predictions, checkpoint artifacts, notes and tags.
 * One process owns writes (the engine); others may read concurrently (WAL). All methods are
 * synchronous (better-sqlite3); multi-row writes run in one transaction.
 */
export class RunStore {
  private readonly isAlive: (pid: number) => boolean;

  private constructor(
    readonly home: string,
    readonly file: string,
    private readonly db: Database.Database,
    isAlive: (pid: number) => boolean,
  ) {
    this.isAlive = isAlive;
  }

  /**
   * The store's own connection, for modules that keep their tables in runs.db (the experiment queue,
   * run bundles): one connection means one owner of the file and, in Electron, the right native build.
   */
  get connection(): Database.Database {
    if (!this.db.open) throw new StoreError(`the run database ${this.file} is closed`, this.file);
    return this.db;
  }

  /**
   * Opens (creating if needed) `<home>/runs.db`, migrates it to the current schema and marks runs
   * whose worker died as interrupted. A corrupt file, a foreign SQLite file or one written by a
   * newer FER Lab is refused with a StoreError and left byte-for-byte untouched.
   */
  static open(home: string, options: OpenOptions = {}): RunStore {
    try {
      mkdirSync(home, { recursive: true });
      if (!statSync(home).isDirectory()) throw new Error('not a directory');
      accessSync(home, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new StoreError(`FER Lab home folder ${home} is not a writable folder: ${(err as Error).message}`, home, { cause: err });
    }
    const file = join(home, DB_FILE);
    const migrations = options.migrations ?? MIGRATIONS;
    const latest = migrations.length;
    checkHeader(file);

    let db: Database.Database;
    try {
      db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    } catch (err) {
      throw new StoreError(`cannot open run database ${file}: ${(err as Error).message}`, file, { cause: err });
    }
    try {
      // Only reads until the file is known to be ours and not from the future.
      let userVersion: number;
      let appId: number;
      let tables: string[];
      try {
        userVersion = db.pragma('user_version', { simple: true }) as number;
        appId = db.pragma('application_id', { simple: true }) as number;
        tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
      } catch (err) {
        throw new StoreError(`run database ${file} is corrupt or not a database (${(err as Error).message}); it was left unchanged. Move it away to start a new one.`, file, { cause: err });
      }
      if (userVersion > latest) {
        throw new StoreError(
          `run database ${file} was written by a newer FER Lab (schema version ${userVersion}; this version knows up to ${latest}); it was left unchanged. Update FER Lab or use another --home.`,
          file,
        );
      }
      if ((appId !== 0 && appId !== APPLICATION_ID) || (userVersion === 0 && tables.length > 0)) {
        throw new StoreError(`${file} is an SQLite database but not a FER Lab run database; it was left unchanged.`, file);
      }

      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // WAL + NORMAL is durable across process crashes (a killed worker or app), which is the case here.
      db.pragma('synchronous = NORMAL');
      // Each step commits on its own: a failing step rolls back to the previous version intact.
      // BEGIN IMMEDIATE takes the write lock first, and the version is read again under it, so two
      // processes opening an old file at once (the app and the CLI) migrate it exactly once.
      for (let v = userVersion; v < latest; v++) {
        const migrate = migrations[v] as Migration;
        db.transaction(() => {
          if ((db.pragma('user_version', { simple: true }) as number) !== v) return;
          migrate(db);
          db.pragma(`user_version = ${v + 1}`);
          db.pragma(`application_id = ${APPLICATION_ID}`);
        }).immediate();
      }
    } catch (err) {
      db.close();
      if (err instanceof StoreError) throw err;
      throw new StoreError(`cannot prepare or upgrade run database ${file}: ${(err as Error).message}`, file, { cause: err });
    }

    const store = new RunStore(home, file, db, options.isAlive ?? isProcessAlive);
    if (!options.skipRecovery) store.markDeadRunsInterrupted();
    return store;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The schema version of the open database (equals SCHEMA_VERSION after open). */
  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** PRAGMA integrity_check: `['ok']` for a healthy database, otherwise the problems found. */
  integrityCheck(): string[] {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /** Folder for a run's files (checkpoints): `<home>/runs/<id>`. deleteRun removes exactly this. */
  runDir(runId: number): string {
    if (!Number.isSafeInteger(runId) || runId <= 0) throw new StoreError(`invalid run id ${runId}`, this.file);
    return join(this.home, 'runs', String(runId));
  }

  // ---- datasets ----

  /** Inserts or updates a dataset by fingerprint (name, source, counts may change on re-import). */
  upsertDataset(d: DatasetInfo): void {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO datasets (fingerprint, name, source, format, class_names, counts, created_at, updated_at)
         VALUES (@fingerprint, @name, @source, @format, @classNames, @counts, @t, @t)
         ON CONFLICT(fingerprint) DO UPDATE SET name = excluded.name, source = excluded.source, format = excluded.format,
           class_names = excluded.class_names, counts = excluded.counts, updated_at = excluded.updated_at`,
      )
      .run({ ...d, classNames: JSON.stringify(d.classNames), counts: JSON.stringify(d.counts), t });
  }

  getDataset(fingerprint: string): DatasetRecord | null {
    const r = this.db.prepare('SELECT * FROM datasets WHERE fingerprint = ?').get(fingerprint) as Record<string, string> | undefined;
    if (!r) return null;
    return {
      fingerprint: r.fingerprint as string,
      name: r.name as string,
      source: r.source as string,
      format: r.format as string,
      classNames: this.parseJson(r.class_names as string, `datasets.class_names of ${fingerprint}`) as string[],
      counts: this.parseJson(r.counts as string, `datasets.counts of ${fingerprint}`) as JsonObject,
      createdAt: r.created_at as string,
      updatedAt: r.updated_at as string,
    };
  }

  listDatasets(): DatasetRecord[] {
    const keys = this.db.prepare('SELECT fingerprint FROM datasets ORDER BY created_at, fingerprint').pluck().all() as string[];
    return keys.map((k) => this.getDataset(k) as DatasetRecord);
  }

  // ---- runs ----

  /** Creates a queued run with its config and tags; returns the new run id. */
  createRun(run: NewRun): number {
    if (!run.modelName) throw new StoreError('a run needs a model name', this.file);
    if (!Number.isInteger(run.seed)) throw new StoreError(`run seed must be an integer, got ${run.seed}`, this.file);
    const config = JSON.stringify(run.config);
    if (config === undefined) throw new StoreError('run config is not JSON-serialisable', this.file);
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO runs (model_name, seed, dataset_fingerprint, status, backend, versions, created_at, notes)
           VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)`,
        )
        .run(run.modelName, run.seed, run.datasetFingerprint, JSON.stringify(run.backend ?? {}), JSON.stringify(run.versions ?? {}), now(), run.notes ?? '');
      const id = Number(info.lastInsertRowid);
      this.db.prepare('INSERT INTO run_configs (run_id, config) VALUES (?, ?)').run(id, config);
      this.insertTags(id, run.tags ?? []);
      return id;
    })();
  }

  getRun(runId: number): RunRecord | null {
    const row = this.db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(runId) as RunRow | undefined;
    return row ? this.toRun(row) : null;
  }

  /** Like getRun but throws a StoreError naming the id when the run does not exist. */
  requireRun(runId: number): RunRecord {
    const run = this.getRun(runId);
    if (!run) throw new StoreError(`no run with id ${runId} in ${this.file}`, this.file);
    return run;
  }

  getRunConfig(runId: number): unknown {
    const cfg = this.db.prepare('SELECT config FROM run_configs WHERE run_id = ?').pluck().get(runId) as string | undefined;
    if (cfg === undefined) throw new StoreError(`no run with id ${runId} in ${this.file}`, this.file);
    return this.parseJson(cfg, `config of run ${runId}`);
  }

  /** Runs newest first, filtered by status (one or several), model, tag, dataset. */
  listRuns(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
      for (const s of statuses) if (!RUN_STATUSES.includes(s)) throw new StoreError(`unknown run status '${s}' (expected one of ${RUN_STATUSES.join(', ')})`, this.file);
      where.push(`r.status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...statuses);
    }
    if (filter.modelName !== undefined) {
      where.push('r.model_name = ?');
      params.push(filter.modelName);
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ?)');
      params.push(filter.tag);
    }
    if (filter.datasetFingerprint !== undefined) {
      where.push('r.dataset_fingerprint = ?');
      params.push(filter.datasetFingerprint);
    }
    let sql = `${RUN_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(filter.limit);
    }
    return (this.db.prepare(sql).all(...params) as RunRow[]).map((r) => this.toRun(r));
  }

  /** Marks a run running in worker `pid`; clears a previous error and finish time (resume). */
  markRunning(runId: number, workerPid: number): void {
    if (!Number.isInteger(workerPid) || workerPid <= 0) throw new StoreError(`invalid worker pid ${workerPid}`, this.file);
    this.changeOne(
      runId,
      `UPDATE runs SET status = 'running', worker_pid = ?, error = NULL, finished_at = NULL,
         started_at = COALESCE(started_at, ?) WHERE id = ?`,
      workerPid,
      now(),
      runId,
    );
  }

  /** Ends a run: completed, stopped, failed (with the error) or interrupted. */
  finishRun(runId: number, status: FinalStatus, error: string | null = null): void {
    if (!['completed', 'stopped', 'failed', 'interrupted'].includes(status)) {
      throw new StoreError(`finishRun needs a final status, got '${status}'`, this.file);
    }
    this.changeOne(runId, 'UPDATE runs SET status = ?, error = ?, worker_pid = NULL, finished_at = ? WHERE id = ?', status, error, now(), runId);
  }

  /** Updates the result fields the engine owns (best epoch, accuracies, resume point, backend). */
  updateRun(runId: number, patch: RunPatch): void {
    const cols: string[] = [];
    const params: unknown[] = [];
    const set = (col: string, v: unknown): void => {
      cols.push(`${col} = ?`);
      params.push(v);
    };
    if (patch.bestEpoch !== undefined) set('best_epoch', patch.bestEpoch);
    if (patch.bestValAcc !== undefined) set('best_val_acc', patch.bestValAcc);
    if (patch.testAcc !== undefined) set('test_acc', patch.testAcc);
    if (patch.resumedFromEpoch !== undefined) set('resumed_from_epoch', patch.resumedFromEpoch);
    if (patch.backend !== undefined) set('backend', JSON.stringify(patch.backend));
    if (patch.versions !== undefined) set('versions', JSON.stringify(patch.versions));
    if (cols.length === 0) return;
    this.changeOne(runId, `UPDATE runs SET ${cols.join(', ')} WHERE id = ?`, ...params, runId);
  }

  setNotes(runId: number, notes: string): void {
    this.changeOne(runId, 'UPDATE runs SET notes = ? WHERE id = ?', notes, runId);
  }

  /** Replaces the run's tags (trimmed, empty ones dropped, duplicates merged). */
  setTags(runId: number, tags: string[]): void {
    this.db.transaction(() => {
      this.requireRun(runId);
      this.db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(runId);
      this.insertTags(runId, tags);
    })();
  }

  addTag(runId: number, tag: string): void {
    this.db.transaction(() => {
      this.requireRun(runId);
      this.insertTags(runId, [tag]);
    })();
  }

  removeTag(runId: number, tag: string): void {
    this.db.prepare('DELETE FROM run_tags WHERE run_id = ? AND tag = ?').run(runId, tag.trim());
  }

  /**
   * Deletes a run's rows (config, tags, metrics, evaluations, predictions, artifacts) and its
   * folder `<home>/runs/<id>/`, nothing else. Checkpoint paths recorded outside that folder are
   * not touched. A run whose worker is still alive is refused.
   */
  deleteRun(runId: number): void {
    const run = this.requireRun(runId);
    if (run.status === 'running' && run.workerPid !== null && this.isAlive(run.workerPid)) {
      throw new StoreError(`run ${runId} is running (worker pid ${run.workerPid}); stop it before deleting`, this.file);
    }
    const dir = this.runDir(runId);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    })();
    try {
      // rmSync does not follow symbolic links: a link inside the folder is removed, not its target.
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      throw new StoreError(`run ${runId} was deleted from ${this.file} but its folder ${dir} could not be removed: ${(err as Error).message}`, dir, { cause: err });
    }
  }

  /**
   * Runs left 'running' whose worker process no longer exists become 'interrupted' (a crash, kill -9
   * or power loss). Called on open. A pid reused by an unrelated process after a reboot keeps a run
   * 'running' until that process ends; the pid is the only handle a dead worker leaves behind.
   * Returns the ids marked.
   */
  markDeadRunsInterrupted(): number[] {
    const rows = this.db.prepare("SELECT id, worker_pid FROM runs WHERE status = 'running'").all() as { id: number; worker_pid: number | null }[];
    const dead = rows.filter((r) => r.worker_pid === null || !this.isAlive(r.worker_pid));
    if (dead.length === 0) return [];
    const t = now();
    const upd = this.db.prepare(
      "UPDATE runs SET status = 'interrupted', error = ?, worker_pid = NULL, finished_at = ? WHERE id = ? AND status = 'running'",
    );
    this.db.transaction(() => {
      for (const r of dead) {
        upd.run(r.worker_pid === null ? 'worker ended without reporting' : `worker process ${r.worker_pid} ended without reporting`, t, r.id);
      }
    })();
    return dead.map((r) => r.id);
  }

  // ---- metrics ----

  /** Records one epoch (replacing an earlier row for the same epoch) and advances epochs_done. */
  recordEpoch(runId: number, m: EpochMetrics): void {
    if (!Number.isInteger(m.epoch) || m.epoch < 1) throw new StoreError(`epoch must be a positive integer, got ${m.epoch}`, this.file);
    this.db.transaction(() => {
      this.changeOne(runId, 'UPDATE runs SET epochs_done = MAX(epochs_done, ?) WHERE id = ?', m.epoch, runId);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO epoch_metrics (run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr, elapsed_ms, num_tensors, created_at)
           VALUES (@runId, @epoch, @trainLoss, @trainAcc, @valLoss, @valAcc, @lr, @elapsedMs, @numTensors, @t)`,
        )
        .run({ ...m, runId, t: now() });
    })();
  }

  getEpochMetrics(runId: number): EpochMetrics[] {
    return this.db
      .prepare(
        `SELECT epoch, train_loss AS trainLoss, train_acc AS trainAcc, val_loss AS valLoss, val_acc AS valAcc, lr,
           elapsed_ms AS elapsedMs, num_tensors AS numTensors FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`,
      )
      .all(runId) as EpochMetrics[];
  }

  /**
   * Appends throttled batch rows in one transaction (the engine buffers them and flushes about
   * once a second). A row for an epoch/batch already stored (a resumed epoch) replaces it.
   */
  appendBatchMetrics(runId: number, rows: BatchMetrics[]): void {
    if (rows.length === 0) return;
    const ins = this.db.prepare(
      `INSERT OR REPLACE INTO batch_metrics (run_id, epoch, batch, loss, acc, images_per_sec, eta_s, at_ms)
       VALUES (@runId, @epoch, @batch, @loss, @acc, @imagesPerSec, @etaS, @atMs)`,
    );
    this.db.transaction(() => {
      for (const r of rows) ins.run({ ...r, runId });
    })();
  }

  /** Batch rows of a run in order, optionally only from `fromEpoch` on. */
  getBatchMetrics(runId: number, fromEpoch = 0): BatchMetrics[] {
    return this.db
      .prepare(
        `SELECT epoch, batch, loss, acc, images_per_sec AS imagesPerSec, eta_s AS etaS, at_ms AS atMs
         FROM batch_metrics WHERE run_id = ? AND epoch >= ? ORDER BY epoch, batch`,
      )
      .all(runId, fromEpoch) as BatchMetrics[];
  }

  // ---- evaluations ----

  /**
   * Stores an evaluation and, when given, its per-sample predictions; a test-split evaluation also
   * sets the run's testAcc. Returns the evaluation id.
   */
  addEvaluation(e: NewEvaluation): number {
    const p = e.predictions;
    if (p) {
      const n = p.sampleIndex.length;
      if (p.trueLabels.length !== n || p.predicted.length !== n || p.probability.length !== n) {
        throw new StoreError(
          `predictions of run ${e.runId} have unequal lengths (sampleIndex ${n}, trueLabels ${p.trueLabels.length}, predicted ${p.predicted.length}, probability ${p.probability.length})`,
          this.file,
        );
      }
      if (n !== e.report.numSamples) throw new StoreError(`predictions of run ${e.runId} hold ${n} samples but the report counts ${e.report.numSamples}`, this.file);
    }
    return this.db.transaction(() => {
      this.requireRun(e.runId);
      const info = this.db
        .prepare(
          `INSERT INTO evaluations (run_id, split, tta, checkpoint, num_samples, accuracy, macro_f1, metrics, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(e.runId, e.split, e.tta ? 1 : 0, e.checkpoint ?? null, e.report.numSamples, e.report.accuracy, e.report.macroF1, JSON.stringify(e.report), now());
      const id = Number(info.lastInsertRowid);
      if (p) {
        this.db
          .prepare('INSERT INTO predictions (evaluation_id, count, sample_index, true_label, predicted, probability) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, p.sampleIndex.length, uint32ToBlob(p.sampleIndex), uint8ToBlob(p.trueLabels), uint8ToBlob(p.predicted), float32ToBlob(p.probability));
      }
      if (e.split === 'test') this.db.prepare('UPDATE runs SET test_acc = ? WHERE id = ?').run(e.report.accuracy, e.runId);
      return id;
    })();
  }

  getEvaluation(evaluationId: number): EvaluationRecord | null {
    const row = this.db.prepare(`${EVAL_SELECT} WHERE e.id = ?`).get(evaluationId) as EvaluationRow | undefined;
    return row ? this.toEvaluation(row) : null;
  }

  /** A run's evaluations, oldest first. */
  listEvaluations(runId: number): EvaluationRecord[] {
    return (this.db.prepare(`${EVAL_SELECT} WHERE e.run_id = ? ORDER BY e.id`).all(runId) as EvaluationRow[]).map((r) => this.toEvaluation(r));
  }

  /** The newest evaluation of a run on a split (optionally only with or without TTA). */
  latestEvaluation(runId: number, split: string, tta?: boolean): EvaluationRecord | null {
    const row = (
      tta === undefined
        ? this.db.prepare(`${EVAL_SELECT} WHERE e.run_id = ? AND e.split = ? ORDER BY e.id DESC LIMIT 1`).get(runId, split)
        : this.db.prepare(`${EVAL_SELECT} WHERE e.run_id = ? AND e.split = ? AND e.tta = ? ORDER BY e.id DESC LIMIT 1`).get(runId, split, tta ? 1 : 0)
    ) as EvaluationRow | undefined;
    return row ? this.toEvaluation(row) : null;
  }

  getPredictions(evaluationId: number): StoredPredictions | null {
    const r = this.db.prepare('SELECT * FROM predictions WHERE evaluation_id = ?').get(evaluationId) as
      | { count: number; sample_index: Buffer; true_label: Buffer; predicted: Buffer; probability: Buffer }
      | undefined;
    if (!r) return null;
    const out = {
      sampleIndex: blobToUint32(r.sample_index),
      trueLabels: blobToUint8(r.true_label),
      predicted: blobToUint8(r.predicted),
      probability: blobToFloat32(r.probability),
    };
    for (const [k, v] of Object.entries(out)) {
      if (v.length !== r.count) throw new StoreError(`predictions of evaluation ${evaluationId} in ${this.file} are damaged: ${k} holds ${v.length} of ${r.count} samples`, this.file);
    }
    return out;
  }

  // ---- artifacts ----

  /** Records (or replaces) the run's best or last checkpoint folder. */
  setArtifact(runId: number, kind: CheckpointKind, epoch: number, path: string): void {
    this.db.transaction(() => {
      this.requireRun(runId);
      this.db
        .prepare('INSERT OR REPLACE INTO artifacts (run_id, kind, epoch, path, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(runId, kind, epoch, path, now());
    })();
  }

  getArtifacts(runId: number): ArtifactRecord[] {
    return this.db
      .prepare('SELECT run_id AS runId, kind, epoch, path, created_at AS createdAt FROM artifacts WHERE run_id = ? ORDER BY kind')
      .all(runId) as ArtifactRecord[];
  }

  getArtifact(runId: number, kind: CheckpointKind): ArtifactRecord | null {
    return (
      (this.db
        .prepare('SELECT run_id AS runId, kind, epoch, path, created_at AS createdAt FROM artifacts WHERE run_id = ? AND kind = ?')
        .get(runId, kind) as ArtifactRecord | undefined) ?? null
    );
  }

  // ---- helpers ----

  private insertTags(runId: number, tags: string[]): void {
    const ins = this.db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
    for (const t of tags) {
      const tag = t.trim();
      if (tag) ins.run(runId, tag);
    }
  }

  /** Runs an UPDATE that must hit exactly the given run. */
  private changeOne(runId: number, sql: string, ...params: unknown[]): void {
    const info = this.db.prepare(sql).run(...params);
    if (info.changes === 0) throw new StoreError(`no run with id ${runId} in ${this.file}`, this.file);
  }

  private parseJson(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new StoreError(`${what} in ${this.file} is not valid JSON: ${(err as Error).message}`, this.file, { cause: err });
    }
  }

  private toRun(r: RunRow): RunRecord {
    return {
      id: r.id,
      modelName: r.model_name,
      seed: r.seed,
      datasetFingerprint: r.dataset_fingerprint,
      status: r.status,
      error: r.error,
      workerPid: r.worker_pid,
      backend: this.parseJson(r.backend, `backend of run ${r.id}`) as JsonObject,
      versions: this.parseJson(r.versions, `versions of run ${r.id}`) as JsonObject,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      epochsDone: r.epochs_done,
      bestEpoch: r.best_epoch,
      bestValAcc: r.best_val_acc,
      testAcc: r.test_acc,
      resumedFromEpoch: r.resumed_from_epoch,
      notes: r.notes,
      tags: r.tags ? (this.parseJson(r.tags, `tags of run ${r.id}`) as string[]) : [],
    };
  }

  private toEvaluation(r: EvaluationRow): EvaluationRecord {
    return {
      id: r.id,
      runId: r.run_id,
      split: r.split,
      tta: r.tta === 1,
      checkpoint: r.checkpoint,
      numSamples: r.num_samples,
      accuracy: r.accuracy,
      macroF1: r.macro_f1,
      report: this.parseJson(r.metrics, `metrics of evaluation ${r.id}`) as EvaluationRecord['report'],
      hasPredictions: r.has_predictions === 1,
      createdAt: r.created_at,
    };
  }
}

const RUN_SELECT = `SELECT r.*, (SELECT json_group_array(tag) FROM (SELECT tag FROM run_tags WHERE run_id = r.id ORDER BY tag)) AS tags FROM runs r`;
const EVAL_SELECT = `SELECT e.*, EXISTS (SELECT 1 FROM predictions p WHERE p.evaluation_id = e.id) AS has_predictions FROM evaluations e`;

/**
 * Refuses a non-empty file that does not start with SQLite's magic header before SQLite touches it,
 * so a damaged or foreign file is never rewritten.
 */
function checkHeader(file: string): void {
  if (!existsSync(file)) return;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new StoreError(`cannot read run database ${file}: ${(err as Error).message}`, file, { cause: err });
  }
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (n === 0) return; // an empty file is a new database
    if (n < 16 || buf.toString('latin1') !== SQLITE_HEADER) {
      throw new StoreError(`run database ${file} is corrupt or not an SQLite database; it was left unchanged. Move it away to start a new one.`, file);
    }
  } finally {
    closeSync(fd);
  }
}
