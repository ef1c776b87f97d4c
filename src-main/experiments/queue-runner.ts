/**
 * Executes the experiment queue one item after another through the RunService (the same engine
 * the Train view and `fer-lab train` use). After a restart it first finishes what was interrupted:
 * an item whose run has a 'last' checkpoint is resumed from it, one whose run completed before the
 * process died is just recorded, and one that never got a usable run starts afresh.
 * Completed runs are evaluated on the test split (best checkpoint) so results can be compared.
 */
import { EventEmitter } from 'node:events';
import type { RunOutcome, EvaluationOutcome, EvaluateOptions } from '../engine/run-service.ts';
import { hasCheckpoint } from '../engine/run-service.ts';
import type { RunStore } from '../store/run-store.ts';
import type { QueueItem, QueueStore } from './queue-store.ts';

/** What the runner needs from RunService (tests pass a fake that writes the store directly). */
export interface RunExecutor {
  start(config: unknown): Promise<{ runId: number }>;
  resume(runId: number): Promise<{ runId: number; fromEpoch: number }>;
  wait(runId: number): Promise<RunOutcome>;
  evaluate(runId: number, options?: EvaluateOptions): Promise<EvaluationOutcome>;
  stop(runId: number): void;
  isActive(runId: number): boolean;
}

export interface QueueRunnerEvents {
  item: { item: QueueItem };
  idle: { reason: 'empty' | 'stopped' | 'interrupted' };
  log: { level: 'info' | 'warn' | 'error'; message: string };
}

export interface RunQueueResult {
  /** Items finished in this call, in order. */
  finished: QueueItem[];
  reason: 'empty' | 'stopped' | 'interrupted';
}

export class QueueBusyError extends Error {
  constructor(readonly holder: number) {
    super(`the queue is already being executed by process ${holder}; stop it there first`);
    this.name = 'QueueBusyError';
  }
}

export class QueueRunner {
  private readonly emitter = new EventEmitter();
  private stopping = false;
  private current: QueueItem | null = null;
  private active: Promise<RunQueueResult> | null = null;

  constructor(
    private readonly queue: QueueStore,
    private readonly store: RunStore,
    private readonly executor: RunExecutor,
    private readonly options: { pid?: number; isAlive?: (pid: number) => boolean } = {},
  ) {}

  private get pid(): number {
    return this.options.pid ?? process.pid;
  }

  on<K extends keyof QueueRunnerEvents>(event: K, cb: (e: QueueRunnerEvents[K]) => void): () => void {
    this.emitter.on(event, cb);
    return () => this.emitter.off(event, cb);
  }

  private emit<K extends keyof QueueRunnerEvents>(event: K, payload: QueueRunnerEvents[K]): void {
    try {
      this.emitter.emit(event, payload);
    } catch (err) {
      process.emitWarning(`QueueRunner '${event}' listener threw: ${(err as Error).message}`);
    }
  }

  get running(): boolean {
    return this.active !== null;
  }

  get currentItem(): QueueItem | null {
    return this.current;
  }

  /**
   * Executes items until the queue is empty or `stop()` is called. A second call while running
   * returns the same promise. Throws QueueBusyError when another live process holds the queue.
   */
  run(): Promise<RunQueueResult> {
    if (this.active) return this.active;
    const claim = this.queue.acquireRunner(this.pid, this.options.isAlive);
    if (!claim.ok) return Promise.reject(new QueueBusyError(claim.holder));
    this.stopping = false;
    this.active = this.loop().finally(() => {
      this.queue.releaseRunner(this.pid);
      this.current = null;
      this.active = null;
    });
    return this.active;
  }

  /**
   * Stops after saving: the running item's run is stopped at the end of its current batch (its
   * checkpoint is written) and the item goes back to waiting, so the next `run()` resumes it.
   */
  stop(): void {
    this.stopping = true;
    const runId = this.current?.runId;
    if (runId !== null && runId !== undefined && this.executor.isActive(runId)) this.executor.stop(runId);
  }

  /**
   * Starts nothing more but leaves the current run alone (the app is closing: its workers are
   * killed next, so the item stays 'running' and resumes at the next start).
   */
  halt(): void {
    this.stopping = true;
  }

  /** Resolves when the current `run()` (if any) has returned. */
  async settled(): Promise<void> {
    await this.active?.catch(() => undefined);
  }

  private async loop(): Promise<RunQueueResult> {
    const finished: QueueItem[] = [];
    for (;;) {
      if (this.stopping) return this.idle(finished, 'stopped');
      const item = this.queue.next();
      if (!item) return this.idle(finished, 'empty');
      this.current = item;
      const outcome = await this.execute(item);
      const after = this.queue.require(item.id);
      this.emit('item', { item: after });
      if (outcome === 'interrupted') return this.idle(finished, 'interrupted');
      if (outcome === 'stopped') return this.idle(finished, 'stopped');
      finished.push(after);
    }
  }

  private idle(finished: QueueItem[], reason: RunQueueResult['reason']): RunQueueResult {
    this.emit('idle', { reason });
    return { finished, reason };
  }

  /** Runs one item to its end; returns how it ended. */
  private async execute(item: QueueItem): Promise<'done' | 'failed' | 'stopped' | 'interrupted'> {
    let runId: number;
    try {
      runId = await this.startOrResume(item);
    } catch (err) {
      const message = (err as Error).message;
      this.queue.markFinished(item.id, 'failed', message);
      this.emit('log', { level: 'error', message: `queue item ${item.id} (${item.label}) could not start: ${message}` });
      return 'failed';
    }
    if (this.current) this.current = this.queue.require(item.id);
    // A stop requested while the run was starting reaches it now that it exists.
    if (this.stopping && this.executor.isActive(runId)) this.executor.stop(runId);
    const outcome = this.executor.isActive(runId) ? await this.executor.wait(runId) : null;
    const status = outcome?.status ?? this.store.requireRun(runId).status;
    if (status === 'completed') return this.complete(item, runId);
    if (status === 'stopped') {
      // Stopped by the user (here or in the Train view): back to waiting, with its run to resume.
      if (this.stopping) {
        this.requeue(item.id);
        return 'stopped';
      }
      this.queue.markFinished(item.id, 'stopped', 'the run was stopped');
      return 'done';
    }
    if (status === 'interrupted') {
      // The worker was killed (app shutdown, kill -9): leave the item running so it resumes next time.
      this.emit('log', { level: 'warn', message: `queue item ${item.id} (${item.label}): run ${runId} was interrupted; it resumes when the queue runs again` });
      return 'interrupted';
    }
    const error = outcome?.error ?? this.store.requireRun(runId).error ?? `run ${runId} ended ${status}`;
    this.queue.markFinished(item.id, 'failed', error);
    this.emit('log', { level: 'error', message: `queue item ${item.id} (${item.label}) failed: ${error}` });
    return 'failed';
  }

  private requeue(itemId: number): void {
    this.queue.markFinished(itemId, 'stopped', 'stopped with the queue; it resumes from its last checkpoint');
    this.queue.retry(itemId);
  }

  private async startOrResume(item: QueueItem): Promise<number> {
    const prior = item.runId !== null ? this.store.getRun(item.runId) : null;
    if (prior) {
      if (prior.status === 'completed') {
        this.queue.markRunning(item.id, prior.id);
        return prior.id;
      }
      if (this.executor.isActive(prior.id)) throw new Error(`run ${prior.id} is already running in this process`);
      if (prior.status !== 'queued' && hasCheckpoint(this.store.runDir(prior.id), 'last')) {
        this.queue.markRunning(item.id, prior.id);
        const { fromEpoch } = await this.executor.resume(prior.id);
        this.emit('log', { level: 'info', message: `queue item ${item.id} (${item.label}): resuming run ${prior.id} after epoch ${fromEpoch}` });
        return prior.id;
      }
    }
    this.queue.markRunning(item.id, null);
    const { runId } = await this.executor.start(item.config);
    this.queue.markRunning(item.id, runId);
    this.emit('log', { level: 'info', message: `queue item ${item.id} (${item.label}): started run ${runId}` });
    return runId;
  }

  private async complete(item: QueueItem, runId: number): Promise<'done' | 'failed'> {
    if (!this.store.latestEvaluation(runId, 'test')) {
      try {
        await this.executor.evaluate(runId, { split: 'test', checkpoint: 'best' });
      } catch (err) {
        const message = `run ${runId} completed but its test evaluation failed: ${(err as Error).message}`;
        this.queue.markFinished(item.id, 'failed', message);
        return 'failed';
      }
    }
    this.queue.markFinished(item.id, 'done');
    return 'done';
  }
}
