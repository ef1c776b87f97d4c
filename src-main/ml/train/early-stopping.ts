/** Early stopping and best-checkpoint tracking on a validation metric (plain data, checkpointed). */
export type MonitorMetric = 'val_loss' | 'val_accuracy';

export interface MonitorState {
  best: number | null;
  bestEpoch: number | null;
  wait: number;
}

export class Monitor {
  state: MonitorState;

  constructor(
    readonly metric: MonitorMetric,
    private readonly minDelta = 0,
    state?: MonitorState,
  ) {
    this.state = state ?? { best: null, bestEpoch: null, wait: 0 };
  }

  /** Records an epoch's value; true when it is the best so far. */
  update(epoch: number, value: number): boolean {
    const { best } = this.state;
    const improved =
      Number.isFinite(value) &&
      (best === null || (this.metric === 'val_loss' ? value < best - this.minDelta : value > best + this.minDelta));
    if (improved) this.state = { best: value, bestEpoch: epoch, wait: 0 };
    else this.state.wait += 1;
    return improved;
  }

  shouldStop(patience: number): boolean {
    return this.state.wait > patience;
  }
}
