/**
 * The full, validated configuration of one training run. It is stored with the run, so every field has
 * a default that reproduces the run later; unknown fields are rejected (a typo must not silently fall
 * back to a default), and every error names the field it is about.
 */
import { z } from 'zod';

export const BACKEND_CHOICES = ['auto', 'tfjs-node-gpu', 'webgpu', 'tfjs-node', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

const positiveInt = z.number().int().positive();
const lr = z.number().positive();

export const optimizerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('sgd'),
    learningRate: lr.default(0.01),
    momentum: z.number().min(0).max(1).default(0.9),
    nesterov: z.boolean().default(false),
  }),
  z.strictObject({
    type: z.literal('adam'),
    learningRate: lr.default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  }),
  z.strictObject({
    type: z.literal('rmsprop'),
    learningRate: lr.default(0.001),
    decay: z.number().min(0).lt(1).default(0.9),
    momentum: z.number().min(0).max(1).default(0),
    epsilon: z.number().positive().default(1e-7),
  }),
  // The paper trains DCNNBEA with Adadelta at learning rate 1, Adadelta's usual setting.
  z.strictObject({
    type: z.literal('adadelta'),
    learningRate: lr.default(1),
    rho: z.number().min(0).lt(1).default(0.95),
    epsilon: z.number().positive().default(1e-7),
  }),
]);
export type OptimizerConfig = z.infer<typeof optimizerSchema>;

export const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant') }),
  z.strictObject({
    type: z.literal('step'),
    stepEpochs: positiveInt.default(10),
    gamma: z.number().positive().max(1).default(0.1),
  }),
  z.strictObject({ type: z.literal('cosine'), minLearningRate: z.number().min(0).default(0) }),
  z.strictObject({
    type: z.literal('plateau'),
    factor: z.number().positive().lt(1).default(0.1),
    patience: z.number().int().min(0).default(3),
    minLearningRate: z.number().min(0).default(0),
    minDelta: z.number().min(0).default(1e-4),
  }),
]);
export type ScheduleConfig = z.infer<typeof scheduleSchema>;

export const augmentationSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Zero padding (pixels) before a random crop back to the input size, i.e. a random integer shift. */
  cropPadding: z.number().int().min(0).default(2),
  horizontalFlip: z.boolean().default(true),
  rotationDegrees: z.number().min(0).max(45).default(10),
  /** Random scale in [1 - scale, 1 + scale]. */
  scale: z.number().min(0).lt(1).default(0.1),
  /** Random sub-pixel shift as a fraction of the image size, on top of the crop. */
  shift: z.number().min(0).lt(0.5).default(0),
  /** Added brightness in [-brightness, +brightness] on the 0..1 scale. */
  brightness: z.number().min(0).max(1).default(0.1),
  /** Contrast factor in [1 - contrast, 1 + contrast]. */
  contrast: z.number().min(0).lt(1).default(0.1),
});
export type AugmentationConfig = z.infer<typeof augmentationSchema>;

export const dataOptionsSchema = z.strictObject({
  /** Dataset folder or CSV, as given to importDataset (absent when the dataset is passed in memory). */
  path: z.string().min(1).optional(),
  /** Side the importer decodes images to; default: the model's inputSize, else 48. */
  size: z.number().int().min(4).max(1024).optional(),
  /** Fraction of the training split held out for validation when the dataset has no validation split. */
  valFraction: z.number().min(0).lt(1).default(0.1),
  /** Cap on samples per split (first N of a seeded shuffle): quick experiments on a subset. */
  maxPerSplit: positiveInt.optional(),
  normalization: z.enum(['scale', 'standardize']).default('scale'),
  augmentation: augmentationSchema.prefault({}),
});
export type DataOptions = z.infer<typeof dataOptionsSchema>;

export const earlyStoppingSchema = z.strictObject({
  enabled: z.boolean().default(false),
  metric: z.enum(['val_loss', 'val_accuracy']).default('val_loss'),
  patience: z.number().int().min(0).default(5),
  minDelta: z.number().min(0).default(0),
});

export const trainingSchema = z.strictObject({
  epochs: positiveInt.default(10),
  batchSize: positiveInt.default(32),
  optimizer: optimizerSchema.prefault({ type: 'adam' }),
  weightDecay: z.number().min(0).default(0),
  schedule: scheduleSchema.prefault({ type: 'constant' }),
  warmupEpochs: z.number().int().min(0).default(0),
  labelSmoothing: z.number().min(0).lt(1).default(0),
  classWeights: z.enum(['off', 'inverse-frequency']).default('off'),
  earlyStopping: earlyStoppingSchema.prefault({}),
  /** Which checkpoint counts as best. */
  monitor: z.enum(['val_loss', 'val_accuracy']).default('val_accuracy'),
});
export type TrainingOptions = z.infer<typeof trainingSchema>;

export const trainConfigSchema = z.strictObject({
  /** Registry name of the model (see src-main/ml/models/registry.ts). */
  model: z.string().min(1),
  /** Model options; validated by the model zoo's own schema when the run starts. */
  modelConfig: z.record(z.string(), z.unknown()).default({}),
  data: dataOptionsSchema.prefault({}),
  training: trainingSchema.prefault({}),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
  backend: z.enum(BACKEND_CHOICES).default('auto'),
  /** Free-text name shown in the run list. */
  name: z.string().optional(),
});
export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** The square side a path dataset is imported at. */
export function importSize(config: TrainConfig): number {
  const fromModel = config.modelConfig.inputSize;
  return config.data.size ?? (typeof fromModel === 'number' ? fromModel : 48);
}

/** A config error that names every offending field, e.g. `training.optimizer.learningRate: ...`. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly fields: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): { message: string; fields: string[] } {
  const fields: string[] = [];
  const lines = issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys
      .map((key) => {
        const path = [prefix, ...issue.path.map(String), key].filter((p) => p !== undefined && p !== '').join('.');
        fields.push(path || '(root)');
        return issue.code === 'unrecognized_keys'
          ? `${path}: unknown option`
          : `${path || '(root)'}: ${issue.message}`;
      })
      .join('\n');
  });
  return { message: lines.join('\n'), fields };
}

/** Validates a raw config (from a file, CLI flags or the UI) and fills in defaults. */
export function parseTrainConfig(raw: unknown, source = 'config'): TrainConfig {
  const result = trainConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const { message, fields } = formatIssues(result.error.issues);
  throw new ConfigError(`invalid ${source}:\n${message}`, fields);
}
