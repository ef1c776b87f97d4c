/** Runtime validation of the queue, experiments, portable-run and system methods' arguments. */
import { z } from 'zod';

const id = z.string().trim().min(1, 'must not be empty').max(200);
const path = z.string().trim().min(1, 'give a file path').max(4096);

export const queueItemArgs = z.strictObject({ itemId: id });
export const queueMoveArgs = z.strictObject({ itemId: id, index: z.int().min(0) });
export const queueAddArgs = z.strictObject({
  datasetId: id,
  label: z.string().trim().min(1).max(200).optional(),
  config: z.record(z.string(), z.unknown()),
});
export const paperQueueArgs = z.strictObject({
  datasetId: id,
  epochs: z.int().min(1).max(10_000).optional(),
  includeBaseline: z.boolean().default(true),
  /** Tiny stand-in configurations instead of the paper's sizes. */
  standIn: z.boolean().default(false),
  /** Start executing the queue right away. */
  start: z.boolean().default(false),
});
export const paperResultsArgs = z.strictObject({ experimentId: id.optional() });
export const sweepQueueArgs = z.strictObject({ datasetId: id, spec: z.record(z.string(), z.unknown()) });
export const sweepRankArgs = z.strictObject({ experimentId: id });
export const runExportArgs = z.strictObject({ runId: id, path, includeLast: z.boolean().default(false) });
export const runImportArgs = z.strictObject({ path });

export type QueueItemArgs = z.input<typeof queueItemArgs>;
export type QueueMoveArgs = z.input<typeof queueMoveArgs>;
export type QueueAddArgs = z.input<typeof queueAddArgs>;
export type PaperQueueArgs = z.input<typeof paperQueueArgs>;
export type PaperResultsArgs = z.input<typeof paperResultsArgs>;
export type SweepQueueArgs = z.input<typeof sweepQueueArgs>;
export type SweepRankArgs = z.input<typeof sweepRankArgs>;
export type RunExportArgs = z.input<typeof runExportArgs>;
export type RunImportArgs = z.input<typeof runImportArgs>;
