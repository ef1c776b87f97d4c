/**
 * Train-form presets. Each is a partial run config merged over the defaults; a unit test checks
 * that every preset passes the engine's config and model schemas.
 */
import type { TrainingPreset } from '../types.ts';
import { BASELINE_ENTRY } from '../../experiments/paper.ts';

export const PRESETS: TrainingPreset[] = [
  {
    id: 'paper-dcnnbea',
    label: 'Paper: DCNNBEA',
    description:
      'The source paper: VGG16 convolutions with batch norm, average sampling, an LSTM over T=4 views (crops and flips), SVM head, Adadelta at learning rate 1.',
    config: {
      model: 'dcnnbea',
      modelConfig: { activation: { kind: 'relu' }, head: 'svm', seqLength: 4, frameViews: 'crops-flips', lstmUnits: 256, lstmLayers: 1, dropout: 0.5 },
      training: { epochs: 50, batchSize: 64, optimizer: { type: 'adadelta', learningRate: 1 }, schedule: { type: 'constant' } },
    },
  },
  {
    id: 'paper-dcnnbea-tafmn',
    label: 'Paper: DCNNBEA + TAFMN',
    description: 'DCNNBEA with every ReLU replaced by the trainable TAFMN activation (m=2 maxout units of k=2 pieces per channel).',
    config: {
      model: 'dcnnbea',
      modelConfig: { activation: { kind: 'tafmn', m: 2, k: 2 }, head: 'svm', seqLength: 4, frameViews: 'crops-flips', lstmUnits: 256, lstmLayers: 1, dropout: 0.5 },
      training: { epochs: 50, batchSize: 64, optimizer: { type: 'adadelta', learningRate: 1 }, schedule: { type: 'constant' } },
    },
  },
  {
    id: 'vgg-fer-baseline',
    label: 'vgg-fer strong baseline',
    description:
      'VGG-style network (four stages of two 3x3 convolutions), SGD with Nesterov momentum, weight decay, reduce-on-plateau, augmentation: the recipe reported near 73% on FER2013.',
    config: {
      model: 'vgg-fer',
      modelConfig: { activation: { kind: 'relu' }, head: 'softmax', dropout: 0.5 },
      // The paper experiment's baseline recipe, shortened to 100 epochs for an interactive run.
      training: { ...BASELINE_ENTRY.training, epochs: 100 },
    },
  },
];
