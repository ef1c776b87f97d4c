import { parseTrainConfig, type TrainConfig } from '../ml/train-config.ts';
import { modelInfo, parseModelConfig } from '../ml/models/registry.ts';

/**
 * Validates a run config before it is queued (the same checks RunService.start makes), so a bad
 * sweep value or stand-in is refused when queued, not hours later when its turn comes.
 * `what` names the item in the error (e.g. `sweep trial 3`).
 */
export function validateRunConfig(input: unknown, what: string): TrainConfig {
  const config = parseTrainConfig(input, what);
  try {
    modelInfo(config.model);
    parseModelConfig({ ...config.modelConfig });
  } catch (err) {
    throw new Error(`invalid ${what}: ${(err as Error).message}`, { cause: err });
  }
  return config;
}
