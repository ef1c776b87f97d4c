/**
 * Learning-rate schedules, evaluated once per epoch, with an optional linear warm-up. The schedule's
 * only mutable state (reduce-on-plateau's current rate and counters) is plain data for checkpoints.
 */
import type { ScheduleConfig } from '../train-config.ts';

export interface PlateauState {
  lr: number;
  best: number;
  wait: number;
}

export interface ScheduleState {
  plateau: PlateauState | null;
}

export class LrSchedule {
  private state: ScheduleState;

  constructor(
    private readonly cfg: ScheduleConfig,
    private readonly baseLr: number,
    private readonly totalEpochs: number,
    private readonly warmupEpochs: number,
    state?: ScheduleState,
  ) {
    this.state = state ?? { plateau: cfg.type === 'plateau' ? { lr: baseLr, best: Number.POSITIVE_INFINITY, wait: 0 } : null };
  }

  /** Learning rate for a 0-based epoch. */
  lrAt(epoch: number): number {
    if (epoch < this.warmupEpochs) return (this.baseLr * (epoch + 1)) / (this.warmupEpochs + 1);
    const e = epoch - this.warmupEpochs;
    const span = Math.max(1, this.totalEpochs - this.warmupEpochs);
    switch (this.cfg.type) {
      case 'constant':
        return this.baseLr;
      case 'step':
        return this.baseLr * this.cfg.gamma ** Math.floor(e / this.cfg.stepEpochs);
      case 'cosine': {
        const min = this.cfg.minLearningRate;
        return min + 0.5 * (this.baseLr - min) * (1 + Math.cos((Math.PI * Math.min(e, span)) / span));
      }
      case 'plateau':
        return this.state.plateau!.lr;
    }
  }

  /** Feeds the epoch's validation loss (only reduce-on-plateau listens). */
  observe(epoch: number, valLoss: number): void {
    const p = this.state.plateau;
    if (this.cfg.type !== 'plateau' || !p || epoch < this.warmupEpochs || !Number.isFinite(valLoss)) return;
    if (valLoss < p.best - this.cfg.minDelta) {
      p.best = valLoss;
      p.wait = 0;
    } else if (++p.wait > this.cfg.patience) {
      p.lr = Math.max(this.cfg.minLearningRate, p.lr * this.cfg.factor);
      p.wait = 0;
    }
  }

  snapshot(): ScheduleState {
    return structuredClone(this.state);
  }
}
