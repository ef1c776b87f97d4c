/**
 * A RunExecutor that records runs in the store the way RunService would (create, mark running,
 * finish, checkpoint folder, test evaluation) without forking workers, so queue behaviour is tested
 * in milliseconds. `plan` says how each started or resumed run ends.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOutcome } from '../../../src-main/engine/run-service.ts';
import type { RunExecutor } from '../../../src-main/experiments/queue-runner.ts';
import type { RunStore } from '../../../src-main/store/run-store.ts';
import { makeEvaluation } from '../store/helpers.ts';

export type Ending = 'completed' | 'interrupted' | 'failed' | 'stopped';

export class FakeExecutor implements RunExecutor {
  readonly calls: string[] = [];
  private readonly pending = new Map<number, { resolve: (o: RunOutcome) => void; promise: Promise<RunOutcome>; ending: Ending }>();

  constructor(
    private readonly store: RunStore,
    /** Ending of each start/resume, in call order; default 'completed'. */
    private readonly plan: Ending[] = [],
    private readonly correctEvery = 2,
  ) {}

  private launch(runId: number): void {
    const ending = this.plan.shift() ?? 'completed';
    this.store.markRunning(runId, process.pid);
    // Every launch writes a resumable 'last' checkpoint marker (state.json marks a complete folder).
    const dir = join(this.store.runDir(runId), 'last');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'state.json'), '{}');
    let resolve!: (o: RunOutcome) => void;
    const promise = new Promise<RunOutcome>((r) => (resolve = r));
    this.pending.set(runId, { resolve, promise, ending });
  }

  async start(config: unknown): Promise<{ runId: number }> {
    const c = config as { model: string; seed: number };
    const runId = this.store.createRun({ modelName: c.model, config, seed: c.seed, datasetFingerprint: null });
    this.calls.push(`start:${runId}:${c.model}`);
    this.launch(runId);
    return { runId };
  }

  async resume(runId: number): Promise<{ runId: number; fromEpoch: number }> {
    this.calls.push(`resume:${runId}`);
    this.launch(runId);
    return { runId, fromEpoch: 1 };
  }

  wait(runId: number): Promise<RunOutcome> {
    const p = this.pending.get(runId);
    if (!p) throw new Error(`run ${runId} has no active worker`);
    // The worker "finishes" on the next tick.
    setImmediate(() => {
      this.pending.delete(runId);
      const status = p.ending;
      const error = status === 'failed' ? 'worker reported an error: out of memory' : null;
      if (status === 'interrupted') this.store.finishRun(runId, 'interrupted', 'worker process was killed by SIGKILL');
      else this.store.finishRun(runId, status, error);
      if (status === 'completed') this.store.recordEpoch(runId, { epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.4, lr: 1, elapsedMs: 10, numTensors: 1 });
      p.resolve({ runId, status, error, exit: { code: 0, signal: null, stderrTail: [], cause: 'fake' } });
    });
    return p.promise;
  }

  async evaluate(runId: number): Promise<never> {
    this.calls.push(`evaluate:${runId}`);
    const ev = makeEvaluation(12, this.correctEvery);
    const evaluationId = this.store.addEvaluation({ runId, split: 'test', tta: false, checkpoint: 'best', ...ev });
    return { evaluationId, split: 'test', tta: false, checkpoint: 'best', report: ev.report } as never;
  }

  stop(runId: number): void {
    this.calls.push(`stop:${runId}`);
    const p = this.pending.get(runId);
    if (p) p.ending = 'stopped';
  }

  isActive(runId: number): boolean {
    return this.pending.has(runId);
  }
}
