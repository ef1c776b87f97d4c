/**
 * Experiments on top of the queue: queueing the paper reproduction or a sweep as one experiment
 * (a row in `experiments` plus its queue items), and re-exports for the CLI and the API.
 */
import { expandPaperExperiment, type PaperOptions } from './paper.ts';
import type { QueueItem, QueueStore } from './queue-store.ts';
import { expandSweep, parseSweepSpec, type SweepSpecInput } from './sweep.ts';

export interface QueuedExperiment {
  experimentId: number;
  items: QueueItem[];
}

/** Expands and queues the paper's six configurations (and the baseline when asked). */
export function queuePaperExperiment(queue: QueueStore, options: PaperOptions): QueuedExperiment {
  if (!options.dataPath) throw new Error('the paper experiment needs a dataset: give the FER2013 folder or fer2013.csv (--data)');
  const items = expandPaperExperiment(options);
  const experimentId = queue.createExperiment('paper', options.standIn ? 'Reproduce the paper (stand-in)' : 'Reproduce the paper', options);
  const queued = queue.add(
    items.map((i) => ({ label: i.config.name ?? i.label, config: i.config, itemKey: i.key, params: i.params })),
    experimentId,
  );
  return { experimentId, items: queued };
}

/** Expands and queues a sweep; every trial is validated before anything is queued. */
export function queueSweep(queue: QueueStore, input: SweepSpecInput): QueuedExperiment {
  const spec = parseSweepSpec(input);
  const dataPath = (spec.base.data as { path?: unknown } | undefined)?.path;
  if (typeof dataPath !== 'string' || dataPath === '') throw new Error('the sweep base config needs data.path (the dataset every trial trains on)');
  const trials = expandSweep(spec);
  const experimentId = queue.createExperiment('sweep', spec.name, spec);
  const queued = queue.add(
    trials.map((t) => ({ label: t.label, config: t.config, itemKey: t.key, params: t.params })),
    experimentId,
  );
  return { experimentId, items: queued };
}

export { QueueStore, type QueueItem, type QueueStatus, type ExperimentRecord } from './queue-store.ts';
export { QueueRunner, QueueBusyError, type RunExecutor } from './queue-runner.ts';
export { expandPaperExperiment, PAPER_ENTRIES, PAPER_SETTINGS, BASELINE_ENTRY, type PaperOptions, type StandIn } from './paper.ts';
export { paperResults, type PaperResults, type PaperResultRow } from './paper-results.ts';
export { expandSweep, parseSweepSpec, rankSweep, type SweepSpec, type SweepSpecInput } from './sweep.ts';
