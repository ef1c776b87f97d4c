/**
 * Runtime validation of every input that crosses the UI/backend boundary (IPC or WebSocket). The
 * backend parses arguments with `parseArgs` before a handler sees them, so a handler can trust them.
 */
import { z } from 'zod';
import { ApiError, type MethodName } from './contract.ts';
import {
  paperQueueArgs,
  paperResultsArgs,
  queueAddArgs,
  queueItemArgs,
  queueMoveArgs,
  runExportArgs,
  runImportArgs,
  sweepQueueArgs,
  sweepRankArgs,
} from '../experiments/api-schemas.ts';

const id = z.string().trim().min(1, 'must not be empty').max(200);
const splitSchema = z.enum(['train', 'val', 'test']);

export const runIdArgs = z.strictObject({ runId: id });
export const datasetIdArgs = z.strictObject({ datasetId: id });

export const datasetImportArgs = z.strictObject({
  /** A Kaggle-layout folder, a generic class-folder tree or fer2013.csv. */
  path: z.string().trim().min(1, 'choose a dataset folder or CSV file').max(4096),
  /** Optional FER+ relabelling CSV for fer2013.csv. */
  ferPlusPath: z.string().trim().min(1).max(4096).optional(),
  /** Size the images are resized to (generic folders); FER2013 is 48. */
  imageSize: z.int().min(8).max(512).optional(),
  /** Fraction of train carved out as validation when the source has no val split. */
  valFraction: z.number().gt(0).lt(1).optional(),
  seed: z.int().optional(),
});

export const datasetSamplesArgs = z.strictObject({
  datasetId: id,
  perClass: z.int().min(1).max(64).default(8),
  split: splitSchema.default('train'),
});

export const trainingStartArgs = z.strictObject({
  datasetId: id,
  name: z.string().trim().max(200).optional(),
  /** The run config; validated in depth against the engine's schema by the handler. */
  config: z.record(z.string(), z.unknown()),
});

export const runUpdateArgs = z
  .strictObject({
    runId: id,
    notes: z.string().max(20_000).optional(),
    tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .refine((v) => v.notes !== undefined || v.tags !== undefined || v.name !== undefined, {
    message: 'nothing to update: give notes, tags or name',
  });

export const runEvaluateArgs = z.strictObject({
  runId: id,
  split: splitSchema.default('test'),
  tta: z.boolean().default(false),
});

export const misclassifiedArgs = z.strictObject({
  runId: id,
  split: splitSchema.default('test'),
  limit: z.int().min(1).max(500).default(60),
  offset: z.int().min(0).default(0),
});

const runIdList = z
  .array(id)
  .min(2, 'choose 2 to 6 runs to compare')
  .max(6, 'choose 2 to 6 runs to compare')
  .refine((ids) => new Set(ids).size === ids.length, { message: 'a run is listed twice' });

export const compareArgs = z.strictObject({ runIds: runIdList });
export const compareExportArgs = z.strictObject({
  runIds: runIdList,
  format: z.enum(['csv', 'latex']),
});

export const pickPathArgs = z.strictObject({ kind: z.enum(['folder', 'file']) });
export const openExternalArgs = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'only http(s) links open externally' }),
});

export type RunIdArgs = z.input<typeof runIdArgs>;
export type DatasetIdArgs = z.input<typeof datasetIdArgs>;
export type DatasetImportArgs = z.input<typeof datasetImportArgs>;
export type DatasetSamplesArgs = z.input<typeof datasetSamplesArgs>;
export type TrainingStartArgs = z.input<typeof trainingStartArgs>;
export type RunUpdateArgs = z.input<typeof runUpdateArgs>;
export type RunEvaluateArgs = z.input<typeof runEvaluateArgs>;
export type MisclassifiedArgs = z.input<typeof misclassifiedArgs>;
export type CompareArgs = z.input<typeof compareArgs>;
export type CompareExportArgs = z.input<typeof compareExportArgs>;

const none = z.undefined({ error: 'this method takes no arguments' });

/** The validator for each method's argument. */
export const ARG_SCHEMAS = {
  'app:info': none,
  'app:pickPath': pickPathArgs,
  'app:openExternal': openExternalArgs,
  'datasets:list': none,
  'datasets:import': datasetImportArgs,
  'datasets:get': datasetIdArgs,
  'datasets:samples': datasetSamplesArgs,
  'datasets:remove': datasetIdArgs,
  'models:list': none,
  'training:setup': none,
  'training:start': trainingStartArgs,
  'training:stop': runIdArgs,
  'training:pause': runIdArgs,
  'training:resume': runIdArgs,
  'training:active': none,
  'runs:list': none,
  'runs:get': runIdArgs,
  'runs:update': runUpdateArgs,
  'runs:delete': runIdArgs,
  'runs:evaluate': runEvaluateArgs,
  'runs:resume': runIdArgs,
  'runs:misclassified': misclassifiedArgs,
  'runs:model': runIdArgs,
  'compare:get': compareArgs,
  'compare:export': compareExportArgs,
  'queue:list': none,
  'queue:add': queueAddArgs,
  'queue:remove': queueItemArgs,
  'queue:move': queueMoveArgs,
  'queue:retry': queueItemArgs,
  'queue:start': none,
  'queue:stop': none,
  'experiments:list': none,
  'experiments:paper': paperQueueArgs,
  'experiments:paperResults': paperResultsArgs,
  'experiments:sweep': sweepQueueArgs,
  'experiments:sweepRank': sweepRankArgs,
  'runs:export': runExportArgs,
  'runs:import': runImportArgs,
  'system:info': none,
} as const satisfies Record<MethodName, z.ZodType>;

export type ParsedArgs<K extends MethodName> = z.output<(typeof ARG_SCHEMAS)[K]>;

/** Formats zod issues as `field: problem; field: problem` so the UI can name the field. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Validates a method's argument; throws ApiError('invalid-input') naming the method and field. */
export function parseArgs<K extends MethodName>(method: K, raw: unknown): ParsedArgs<K> {
  const schema = ARG_SCHEMAS[method] as z.ZodType | undefined;
  if (!schema) throw new ApiError(`unknown method "${String(method)}"`, 'not-found');
  const result = schema.safeParse(raw);
  if (!result.success) throw new ApiError(`${method}: ${formatIssues(result.error)}`, 'invalid-input');
  return result.data as ParsedArgs<K>;
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ARG_SCHEMAS, name);
}
