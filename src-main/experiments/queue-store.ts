/**
 * The experiment queue, persisted in the run database (`<home>/runs.db`, tables from queue-schema.ts)
 * so it survives a restart: items keep their order, their status and the run they started, and an
 * item that was running when the process died is picked up again first (see queue-runner.ts).
 *
 * It works on the RunStore's own connection (store-connection.ts): one owner of runs.db.
 */
import type Database from 'better-sqlite3';
import { isProcessAlive } from '../store/pid.ts';
import { StoreError, type RunStore } from '../store/run-store.ts';

export const QUEUE_STATUSES = ['pending', 'running', 'done', 'failed', 'stopped'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];
export type ExperimentKind = 'paper' | 'sweep';

export interface NewQueueItem {
  label: string;
  /** Run config input (validated by the caller before queueing). */
  config: unknown;
  itemKey?: string | null;
  params?: Record<string, unknown>;
}

export interface QueueItem {
  id: number;
  position: number;
  label: string;
  config: unknown;
  experimentId: number | null;
  itemKey: string | null;
  params: Record<string, unknown>;
  status: QueueStatus;
  runId: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ExperimentRecord {
  id: number;
  kind: ExperimentKind;
  name: string;
  spec: unknown;
  createdAt: string;
}

interface ItemRow {
  id: number;
  position: number;
  label: string;
  config: string;
  experiment_id: number | null;
  item_key: string | null;
  params: string;
  status: QueueStatus;
  run_id: number | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const now = (): string => new Date().toISOString();

// Running first (it is resumed first), then the waiting ones in their order, then finished ones.
const ORDER = `CASE status WHEN 'running' THEN 0 WHEN 'pending' THEN 1 WHEN 'stopped' THEN 2 WHEN 'failed' THEN 3 ELSE 4 END, position, id`;

export class QueueStore {
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly conn: Database.Database,
  ) {}

  private get db(): Database.Database {
    if (this.closed) throw new StoreError(`the experiment queue of ${this.file} is closed`, this.file);
    return this.conn;
  }

  /** Opens the queue of an open RunStore (whose migrations created the queue tables). */
  static open(store: RunStore): QueueStore {
    const db = store.connection;
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'queue_items'").get();
    if (!has) throw new StoreError(`run database ${store.file} has no experiment queue (schema version ${store.schemaVersion()}); it was opened by an older FER Lab`, store.file);
    return new QueueStore(store.file, db);
  }

  /** The connection belongs to the RunStore, which closes it; this only stops using it. */
  close(): void {
    this.closed = true;
  }

  // ---- experiments ----

  createExperiment(kind: ExperimentKind, name: string, spec: unknown): number {
    const info = this.db.prepare('INSERT INTO experiments (kind, name, spec, created_at) VALUES (?, ?, ?, ?)').run(kind, name, JSON.stringify(spec ?? null), now());
    return Number(info.lastInsertRowid);
  }

  getExperiment(id: number): ExperimentRecord | null {
    const r = this.db.prepare('SELECT * FROM experiments WHERE id = ?').get(id) as { id: number; kind: ExperimentKind; name: string; spec: string; created_at: string } | undefined;
    return r ? { id: r.id, kind: r.kind, name: r.name, spec: this.parse(r.spec, `spec of experiment ${r.id}`), createdAt: r.created_at } : null;
  }

  /** Newest first. */
  listExperiments(kind?: ExperimentKind): ExperimentRecord[] {
    const ids = (kind ? this.db.prepare('SELECT id FROM experiments WHERE kind = ? ORDER BY id DESC').pluck().all(kind) : this.db.prepare('SELECT id FROM experiments ORDER BY id DESC').pluck().all()) as number[];
    return ids.map((id) => this.getExperiment(id) as ExperimentRecord);
  }

  // ---- items ----

  /** Appends items at the end of the queue, in the given order; returns them. */
  add(items: NewQueueItem[], experimentId: number | null = null): QueueItem[] {
    const ins = this.db.prepare(
      `INSERT INTO queue_items (position, label, config, experiment_id, item_key, params, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction(() => {
      let pos = (this.db.prepare('SELECT COALESCE(MAX(position), 0) FROM queue_items').pluck().get() as number) + 1;
      const ids: number[] = [];
      for (const item of items) {
        const config = JSON.stringify(item.config);
        if (config === undefined) throw new StoreError(`queue item '${item.label}': config is not JSON-serialisable`, this.file);
        const info = ins.run(pos++, item.label, config, experimentId, item.itemKey ?? null, JSON.stringify(item.params ?? {}), now());
        ids.push(Number(info.lastInsertRowid));
      }
      return ids.map((id) => this.require(id));
    })();
  }

  get(id: number): QueueItem | null {
    const r = this.db.prepare('SELECT * FROM queue_items WHERE id = ?').get(id) as ItemRow | undefined;
    return r ? this.toItem(r) : null;
  }

  require(id: number): QueueItem {
    const item = this.get(id);
    if (!item) throw new StoreError(`no queue item with id ${id} in ${this.file}`, this.file);
    return item;
  }

  /** Every item: running, then waiting in execution order, then stopped, failed and done ones. */
  list(): QueueItem[] {
    return (this.db.prepare(`SELECT * FROM queue_items ORDER BY ${ORDER}`).all() as ItemRow[]).map((r) => this.toItem(r));
  }

  itemsOfExperiment(experimentId: number): QueueItem[] {
    return (this.db.prepare('SELECT * FROM queue_items WHERE experiment_id = ? ORDER BY position, id').all(experimentId) as ItemRow[]).map((r) => this.toItem(r));
  }

  /** The item to execute next: one left running by a previous process, else the first pending one. */
  next(): QueueItem | null {
    const r = this.db.prepare(`SELECT * FROM queue_items WHERE status IN ('running', 'pending') ORDER BY ${ORDER} LIMIT 1`).get() as ItemRow | undefined;
    return r ? this.toItem(r) : null;
  }

  /** Removes a waiting or finished item; a running one must be stopped first. The run it made stays. */
  remove(id: number): void {
    const item = this.require(id);
    if (item.status === 'running') throw new StoreError(`queue item ${id} ('${item.label}') is running; stop the queue before removing it`, this.file);
    this.db.prepare('DELETE FROM queue_items WHERE id = ?').run(id);
  }

  /**
   * Moves a pending item to 0-based `index` among the pending items (clamped), renumbering them so
   * the order is exactly what the user sees.
   */
  move(id: number, index: number): QueueItem[] {
    const item = this.require(id);
    if (item.status !== 'pending') throw new StoreError(`queue item ${id} is ${item.status}; only pending items can be reordered`, this.file);
    if (!Number.isInteger(index)) throw new StoreError(`queue position must be an integer, got ${index}`, this.file);
    return this.db.transaction(() => {
      const pending = this.db.prepare("SELECT id FROM queue_items WHERE status = 'pending' ORDER BY position, id").pluck().all() as number[];
      const order = pending.filter((p) => p !== id);
      order.splice(Math.max(0, Math.min(index, order.length)), 0, id);
      const base = this.db.prepare("SELECT COALESCE(MIN(position), 1) FROM queue_items WHERE status = 'pending'").pluck().get() as number;
      const upd = this.db.prepare('UPDATE queue_items SET position = ? WHERE id = ?');
      order.forEach((pid, i) => upd.run(base + i, pid));
      return order.map((pid) => this.require(pid));
    })();
  }

  /** Puts a failed or stopped item back in the queue (it keeps its run, which is resumed when possible). */
  retry(id: number): QueueItem {
    const item = this.require(id);
    if (item.status !== 'failed' && item.status !== 'stopped') throw new StoreError(`queue item ${id} is ${item.status}; only failed or stopped items can be retried`, this.file);
    this.db.prepare("UPDATE queue_items SET status = 'pending', error = NULL, finished_at = NULL WHERE id = ?").run(id);
    return this.require(id);
  }

  /** Marks an item running; `runId` is the run it drives (set as soon as the run exists). */
  markRunning(id: number, runId: number | null): void {
    this.change(id, "UPDATE queue_items SET status = 'running', run_id = COALESCE(?, run_id), error = NULL, finished_at = NULL, started_at = COALESCE(started_at, ?) WHERE id = ?", runId, now(), id);
  }

  markFinished(id: number, status: 'done' | 'failed' | 'stopped', error: string | null = null): void {
    this.change(id, 'UPDATE queue_items SET status = ?, error = ?, finished_at = ? WHERE id = ?', status, error, now(), id);
  }

  // ---- the runner lock ----

  /**
   * Claims the queue for process `pid`. Fails (returns the holder's pid) while another live process
   * runs it; a holder that died is taken over.
   */
  acquireRunner(pid: number, isAlive: (pid: number) => boolean = isProcessAlive): { ok: true } | { ok: false; holder: number } {
    return this.db.transaction(() => {
      const holder = this.db.prepare('SELECT pid FROM queue_runner WHERE id = 1').pluck().get() as number | undefined;
      if (holder !== undefined && holder !== pid && isAlive(holder)) return { ok: false as const, holder };
      this.db.prepare('INSERT OR REPLACE INTO queue_runner (id, pid, started_at) VALUES (1, ?, ?)').run(pid, now());
      return { ok: true as const };
    }).immediate();
  }

  releaseRunner(pid: number): void {
    this.db.prepare('DELETE FROM queue_runner WHERE id = 1 AND pid = ?').run(pid);
  }

  /** The pid executing the queue, if that process is alive. */
  runnerPid(isAlive: (pid: number) => boolean = isProcessAlive): number | null {
    const holder = this.db.prepare('SELECT pid FROM queue_runner WHERE id = 1').pluck().get() as number | undefined;
    return holder !== undefined && isAlive(holder) ? holder : null;
  }

  // ---- helpers ----

  private change(id: number, sql: string, ...params: unknown[]): void {
    if (this.db.prepare(sql).run(...params).changes === 0) throw new StoreError(`no queue item with id ${id} in ${this.file}`, this.file);
  }

  private parse(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new StoreError(`${what} in ${this.file} is not valid JSON: ${(err as Error).message}`, this.file, { cause: err });
    }
  }

  private toItem(r: ItemRow): QueueItem {
    return {
      id: r.id,
      position: r.position,
      label: r.label,
      config: this.parse(r.config, `config of queue item ${r.id}`),
      experimentId: r.experiment_id,
      itemKey: r.item_key,
      params: this.parse(r.params, `params of queue item ${r.id}`) as Record<string, unknown>,
      status: r.status,
      runId: r.run_id,
      error: r.error,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    };
  }
}
