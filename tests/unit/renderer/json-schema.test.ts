// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { trainingDefaults, trainingSchema } from '../../../src-main/api/backend/create-backend.ts';
import { classify, deepMerge, labelOf, type JsonSchema } from '../../../src-renderer/src/lib/json-schema.ts';
import SchemaField from '../../../src-renderer/src/components/SchemaField.vue';

const root = trainingSchema() as JsonSchema;
const prop = (path: string): JsonSchema => {
  let s: JsonSchema = root;
  for (const key of path.split('.')) s = s.properties?.[key] as JsonSchema;
  return s;
};

describe('schema-driven Train form', () => {
  it('classifies the run config fields from the engine schema', () => {
    expect(classify(prop('model'), root)).toMatchObject({ kind: 'enum', options: expect.arrayContaining(['dcnnbea', 'vgg-fer']) });
    expect(classify(prop('training.epochs'), root)).toMatchObject({ kind: 'number', integer: true });
    expect(classify(prop('training.optimizer'), root)).toMatchObject({ kind: 'union', tag: 'type' });
    expect(classify(prop('modelConfig.activation'), root)).toMatchObject({ kind: 'union', tag: 'kind' });
    expect(classify(prop('data.augmentation'), root)).toMatchObject({ kind: 'object' });
    expect(classify(prop('data.augmentation.enabled'), root)).toEqual({ kind: 'boolean' });
    expect(classify(prop('modelConfig.head'), root)).toEqual({ kind: 'enum', options: ['softmax', 'svm'] });
    expect(labelOf('batchSize')).toBe('batch size');
  });

  it('merges presets without mixing union branches', () => {
    const merged = deepMerge({ training: { epochs: 10, optimizer: { type: 'adam', beta1: 0.9 } } }, { training: { optimizer: { type: 'adadelta', learningRate: 1 } } });
    expect(merged).toEqual({ training: { epochs: 10, optimizer: { type: 'adadelta', learningRate: 1 } } });
    expect(deepMerge({ a: { b: 1, c: 2 } }, { a: { c: 3 } })).toEqual({ a: { b: 1, c: 3 } });
  });

  it('renders inputs with stable ids and emits the edited config', async () => {
    const defaults = trainingDefaults();
    const wrapper = mount(SchemaField, { props: { name: 'config', path: '', schema: root, root, modelValue: defaults } });
    const epochs = wrapper.find('#cfg-training-epochs');
    expect((epochs.element as HTMLInputElement).value).toBe(String((defaults.training as { epochs: number }).epochs));
    await epochs.setValue('7');
    await epochs.trigger('change');
    const emitted = wrapper.emitted('update:modelValue')?.at(-1)?.[0] as { training: { epochs: number; batchSize: number } };
    expect(emitted.training.epochs).toBe(7);
    expect(emitted.training.batchSize).toBe((defaults.training as { batchSize: number }).batchSize);

    // Switching a union branch keeps only the new tag, so no stale fields reach the engine.
    await wrapper.find('#cfg-training-optimizer').setValue('sgd');
    const switched = wrapper.emitted('update:modelValue')?.at(-1)?.[0] as { training: { optimizer: unknown } };
    expect(switched.training.optimizer).toEqual({ type: 'sgd' });
    expect(wrapper.find('#cfg-modelConfig-activation').exists()).toBe(true);
    expect(wrapper.find('#cfg-data-augmentation-enabled').attributes('type')).toBe('checkbox');
  });
});
