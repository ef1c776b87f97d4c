/**
 * The paper comparison table: each of the six configurations' reproduced test accuracy next to the
 * paper's reported one, plus the strong vgg-fer baseline. Reads the newest (or a chosen) paper
 * experiment's queue items and their runs; nothing here is computed from the paper itself.
 */
import type { RunStore } from '../store/run-store.ts';
import { BASELINE_ENTRY, BASELINE_KEY, PAPER_ENTRIES } from './paper.ts';
import type { QueueStatus, QueueStore } from './queue-store.ts';

export interface PaperResultRow {
  key: string;
  label: string;
  model: string;
  kind: 'paper' | 'baseline';
  /** Paper-reported (or for the baseline, literature) test accuracy, fraction. */
  reference: number | null;
  /** Test accuracy of the run (latest test evaluation without TTA), fraction; null until evaluated. */
  reproduced: number | null;
  /** reproduced - reference, in accuracy points (fraction); null when either is missing. */
  delta: number | null;
  runId: number | null;
  /** Queue state of the item, or 'not queued' / 'external' (a baseline run found outside the experiment). */
  status: QueueStatus | 'not queued' | 'external';
  /** Why the item failed (queue error), shown next to the status. */
  error: string | null;
}

export interface PaperResults {
  experimentId: number | null;
  createdAt: string | null;
  /** True when the experiment ran tiny stand-in configurations, not the paper's settings. */
  standIn: boolean;
  rows: PaperResultRow[];
}

function testAccuracy(store: RunStore, runId: number | null): number | null {
  if (runId === null) return null;
  const run = store.getRun(runId);
  if (!run) return null;
  return store.latestEvaluation(runId, 'test', false)?.accuracy ?? run.testAcc;
}

const delta = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

export function paperResults(queue: QueueStore, store: RunStore, experimentId?: number): PaperResults {
  const experiment = experimentId !== undefined ? queue.getExperiment(experimentId) : (queue.listExperiments('paper')[0] ?? null);
  if (experimentId !== undefined && (!experiment || experiment.kind !== 'paper')) throw new Error(`no paper experiment with id ${experimentId}`);
  const items = experiment ? queue.itemsOfExperiment(experiment.id) : [];
  const byKey = new Map(items.map((i) => [i.itemKey, i]));
  const rows: PaperResultRow[] = PAPER_ENTRIES.map((e) => {
    const item = byKey.get(e.key);
    const runId = item?.runId ?? null;
    const reproduced = testAccuracy(store, runId);
    return { key: e.key, label: e.label, model: e.model, kind: 'paper', reference: e.reported, reproduced, delta: delta(reproduced, e.reported), runId, status: item?.status ?? 'not queued', error: item?.error ?? null };
  });

  // The baseline: the experiment's own baseline run, else the best evaluated vgg-fer run in the store.
  const own = byKey.get(BASELINE_KEY);
  let baseRun: number | null = own?.runId ?? null;
  let baseStatus: PaperResultRow['status'] = own?.status ?? 'not queued';
  if (!own) {
    let best: number | null = null;
    for (const r of store.listRuns({ modelName: BASELINE_ENTRY.model, status: 'completed' })) {
      const acc = testAccuracy(store, r.id);
      if (acc !== null && (best === null || acc > (testAccuracy(store, best) ?? -1))) best = r.id;
    }
    if (best !== null) {
      baseRun = best;
      baseStatus = 'external';
    }
  }
  const baseAcc = testAccuracy(store, baseRun);
  rows.push({
    key: BASELINE_KEY,
    label: BASELINE_ENTRY.label,
    model: BASELINE_ENTRY.model,
    kind: 'baseline',
    reference: BASELINE_ENTRY.literature,
    reproduced: baseAcc,
    delta: delta(baseAcc, BASELINE_ENTRY.literature),
    runId: baseRun,
    status: baseStatus,
    error: own?.error ?? null,
  });
  const spec = experiment?.spec as { standIn?: unknown } | null | undefined;
  return { experimentId: experiment?.id ?? null, createdAt: experiment?.createdAt ?? null, standIn: Boolean(spec?.standIn), rows };
}
