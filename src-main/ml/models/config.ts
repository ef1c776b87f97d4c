/**
 * The one typed configuration every model builder takes. Parsing fills defaults and rejects bad
 * values with an error that names the offending field (e.g. `activation.m`).
 */
import { z } from 'zod';

const positiveInt = (max: number) => z.int().min(1).max(max);

/** Shape of the optional second maxout layer inside TAFMN: m2 units of k2 pieces over the m first-layer units. */
export const tafmnSecondLayerSchema = z.object({
  m: positiveInt(16),
  k: positiveInt(8),
});

export const activationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('relu') }),
  z.object({
    kind: z.literal('tafmn'),
    /** Maxout units per channel. */
    m: positiveInt(16).default(2),
    /** Linear pieces per maxout unit. */
    k: positiveInt(8).default(2),
    secondLayer: tafmnSecondLayerSchema.optional(),
  }),
]);

/**
 * How T frames are made from one still image for DCNNBEA (see frame-views.ts):
 * - `repeat`: the same image T times (the LSTM sees a static sequence);
 * - `crops-flips`: a fixed list of views (identity, mirror, centre crop, its mirror, the four corner
 *   crops and their mirrors; crops cover 87.5% of each side and are resized back bilinearly). T <= 12.
 */
export const FRAME_VIEW_MODES = ['repeat', 'crops-flips'] as const;
export const MAX_CROP_FLIP_VIEWS = 12;

export const modelConfigSchema = z
  .object({
    inputSize: z.int().min(8).max(512).default(48),
    channels: z.int().min(1).max(4).default(1),
    classes: z.int().min(2).max(1000).default(7),
    /** Multiplies every convolution/dense/LSTM width (rounded, at least 1). Tests use 1/16. */
    widthMultiplier: z.number().gt(0).max(4).default(1),
    activation: activationSchema.default({ kind: 'relu' }),
    head: z.enum(['softmax', 'svm']).default('softmax'),
    /** SVM head: C of Tang (2013); the weight penalty is ||W||^2 / (2C) (larger C = weaker penalty). */
    svmC: z.number().gt(0).default(100),
    /** Dropout rate before fully connected layers / the head. */
    dropout: z.number().min(0).max(0.9).default(0.5),
    /** DCNNBEA: frames per sample T. T=1 takes [batch,H,W,C]; T>1 takes [batch,T,H,W,C]. */
    seqLength: z.int().min(1).max(64).default(1),
    lstmUnits: z.int().min(1).max(4096).default(256),
    lstmLayers: z.int().min(1).max(4).default(1),
    frameViews: z.enum(FRAME_VIEW_MODES).default('crops-flips'),
    /**
     * Batch norm after every pooling layer as well as after every convolution, as the source paper
     * trains all its networks. DCNNBEA always has it; for the baselines it is off by default so they
     * stay the classic architectures.
     */
    bnAfterPool: z.boolean().default(false),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.frameViews === 'crops-flips' && cfg.seqLength > MAX_CROP_FLIP_VIEWS) {
      ctx.addIssue({
        code: 'custom',
        path: ['seqLength'],
        message: `frameViews 'crops-flips' makes at most ${MAX_CROP_FLIP_VIEWS} views; use frameViews 'repeat' for longer sequences`,
      });
    }
  });

export type ModelConfig = z.output<typeof modelConfigSchema>;
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type ActivationConfig = ModelConfig['activation'];
export type FrameViewMode = (typeof FRAME_VIEW_MODES)[number];

export class ModelConfigError extends Error {
  constructor(
    message: string,
    /** Dotted field paths that failed, e.g. ['activation.m']. */
    readonly fields: string[],
  ) {
    super(message);
    this.name = 'ModelConfigError';
  }
}

/** Parses and defaults a model config; throws ModelConfigError naming every bad field. */
export function parseModelConfig(input: unknown = {}): ModelConfig {
  const result = modelConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: string[] = [];
  const lines = result.error.issues.map((issue) => {
    const base = issue.path.map(String).join('.');
    // Unknown keys come with an empty path; name the keys themselves.
    const field =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => (base ? `${base}.${k}` : k)).join(', ')
        : base || '(config)';
    fields.push(field);
    return `field "${field}": ${issue.message}`;
  });
  throw new ModelConfigError(`invalid model config: ${lines.join('; ')}`, fields);
}

/** Width after the multiplier: rounded, never below 1. */
export function scaledWidth(width: number, multiplier: number): number {
  return Math.max(1, Math.round(width * multiplier));
}
