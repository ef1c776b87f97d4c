/**
 * The model registry: names, descriptions, expected inputs and `buildModel(name, config)`.
 * Importing it registers the custom layers, so anything that builds or loads models is covered.
 */
import * as tf from '@tensorflow/tfjs';
import '../layers/index.ts';
import { parseModelConfig, type ModelConfig, type ModelConfigInput } from './config.ts';
import { buildAlexnet } from './alexnet.ts';
import { buildDcnnbea } from './dcnnbea.ts';
import { makeFrameViews } from './frame-views.ts';
import { buildResnet } from './resnet.ts';
import { buildVgg16, buildVgg19, buildVggFer } from './vgg.ts';

export const MODEL_NAMES = [
  'dcnnbea',
  'alexnet',
  'vgg16',
  'vgg19',
  'resnet18',
  'resnet34',
  'resnet50',
  'resnet101',
  'resnet152',
  'vgg-fer',
] as const;

export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelInfo {
  name: ModelName;
  description: string;
  /** 'sequence' when the model can take T frames (DCNNBEA); 'image' otherwise. */
  inputKind: 'image' | 'sequence';
  build: (cfg: ModelConfig) => tf.LayersModel;
}

export const MODELS: Record<ModelName, ModelInfo> = {
  dcnnbea: {
    name: 'dcnnbea',
    description:
      'Source paper: VGG16 13 convs + BN after every conv and pool, average sampling, LSTM over T frames, SVM head (head=svm)',
    inputKind: 'sequence',
    build: buildDcnnbea,
  },
  alexnet: {
    name: 'alexnet',
    description: 'AlexNet adapted to 48x48 (5x5 stride-1 stem, BN instead of LRN), FC 4096-4096',
    inputKind: 'image',
    build: buildAlexnet,
  },
  vgg16: {
    name: 'vgg16',
    description: 'VGG16 (13 convs + BN, same-padded pools) with FC 4096-4096',
    inputKind: 'image',
    build: buildVgg16,
  },
  vgg19: {
    name: 'vgg19',
    description: 'VGG19 (16 convs + BN, same-padded pools) with FC 4096-4096',
    inputKind: 'image',
    build: buildVgg19,
  },
  resnet18: { name: 'resnet18', description: 'ResNet-18, 3x3 stride-1 stem, no stem pool', inputKind: 'image', build: buildResnet(18) },
  resnet34: { name: 'resnet34', description: 'ResNet-34, 3x3 stride-1 stem, no stem pool', inputKind: 'image', build: buildResnet(34) },
  resnet50: {
    name: 'resnet50',
    description: 'ResNet-50 (bottleneck), 3x3 stride-1 stem, no stem pool',
    inputKind: 'image',
    build: buildResnet(50),
  },
  resnet101: {
    name: 'resnet101',
    description: 'ResNet-101 (bottleneck), 3x3 stride-1 stem, no stem pool',
    inputKind: 'image',
    build: buildResnet(101),
  },
  resnet152: {
    name: 'resnet152',
    description: 'ResNet-152 (bottleneck), 3x3 stride-1 stem, no stem pool',
    inputKind: 'image',
    build: buildResnet(152),
  },
  'vgg-fer': {
    name: 'vgg-fer',
    description: 'Strong FER recipe: 4 stages of two 3x3 convs + BN, FC 4096-4096 with dropout (~73% on FER2013 in the literature)',
    inputKind: 'image',
    build: buildVggFer,
  },
};

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

export function modelInfo(name: string): ModelInfo {
  if (!isModelName(name)) throw new Error(`unknown model "${name}"; known models: ${MODEL_NAMES.join(', ')}`);
  return MODELS[name];
}

/** Builds a fresh, untrained model. `config` is parsed (defaults filled, bad fields named). */
export function buildModel(name: string, config: ModelConfigInput | ModelConfig = {}): tf.LayersModel {
  const info = modelInfo(name);
  const cfg = parseModelConfig(config);
  if (info.inputKind === 'image' && cfg.seqLength !== 1) {
    throw new Error(`model "${name}" takes single images; field "seqLength" must be 1 (got ${cfg.seqLength})`);
  }
  return info.build(cfg);
}

/** Input shape without the batch axis: [H,W,C], or [T,H,W,C] for DCNNBEA with T > 1. */
export function modelInputShape(name: string, config: ModelConfigInput | ModelConfig = {}): number[] {
  const info = modelInfo(name);
  const cfg = parseModelConfig(config);
  const frame = [cfg.inputSize, cfg.inputSize, cfg.channels];
  return info.inputKind === 'sequence' && cfg.seqLength > 1 ? [cfg.seqLength, ...frame] : frame;
}

/**
 * Turns a batch of still images [B,H,W,C] into what `name` expects: the images themselves, or for
 * DCNNBEA with T > 1 the [B,T,H,W,C] views (config.frameViews). The caller disposes the result
 * (it may be the input tensor itself when no change is needed; compare before disposing).
 */
export function imagesToModelInput(name: string, config: ModelConfigInput | ModelConfig, images: tf.Tensor4D): tf.Tensor {
  const info = modelInfo(name);
  const cfg = parseModelConfig(config);
  if (info.inputKind === 'sequence' && cfg.seqLength > 1) return makeFrameViews(images, cfg.seqLength, cfg.frameViews);
  return images;
}

export { parseModelConfig, type ModelConfig, type ModelConfigInput } from './config.ts';
export { HEAD_LAYER_NAME } from './blocks.ts';
export {
  squaredHingeLoss,
  svmPenalty,
  svmLoss,
  makeSvmLoss,
  headKernel,
  scoresToProbabilities,
  oneVsRestTargets,
} from './svm.ts';
export { makeFrameViews, describeView, CROP_FRACTION } from './frame-views.ts';
export { ensureLayersRegistered } from '../layers/index.ts';
