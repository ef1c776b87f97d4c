import { describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES, groupApi, ApiError, type ApiTransport } from '../../../src-main/api/contract.ts';
import { ARG_SCHEMAS, parseArgs } from '../../../src-main/api/schemas.ts';
import { dispatch, ApiEventBus, toErrorPayload } from '../../../src-main/api/dispatch.ts';

function expectInvalid(fn: () => unknown, fragment: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid-input');
    expect((err as ApiError).message).toContain(fragment);
    return;
  }
  throw new Error('expected an invalid-input error');
}

describe('API contract validation', () => {
  it('has one validator per method and domain:verb names', () => {
    expect(Object.keys(ARG_SCHEMAS).sort()).toEqual([...METHOD_NAMES].sort());
    for (const name of [...METHOD_NAMES, ...EVENT_NAMES]) expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
  });

  it('accepts valid input and fills defaults', () => {
    expect(parseArgs('runs:get', { runId: '3' })).toEqual({ runId: '3' });
    expect(parseArgs('runs:evaluate', { runId: '3' })).toEqual({ runId: '3', split: 'test', tta: false });
    expect(parseArgs('datasets:samples', { datasetId: 'abc' })).toEqual({ datasetId: 'abc', perClass: 8, split: 'train' });
    expect(parseArgs('runs:list', undefined)).toBeUndefined();
  });

  it('names the method and the offending field', () => {
    expectInvalid(() => parseArgs('runs:get', { runId: '' }), 'runs:get: runId');
    expectInvalid(() => parseArgs('runs:get', {}), 'runId');
    expectInvalid(() => parseArgs('runs:evaluate', { runId: '1', split: 'dev' }), 'split');
    expectInvalid(() => parseArgs('datasets:import', { path: '   ' }), 'choose a dataset folder');
    expectInvalid(() => parseArgs('datasets:samples', { datasetId: 'x', perClass: 1000 }), 'perClass');
  });

  it('rejects unknown fields, wrong types and arguments to no-argument methods', () => {
    expectInvalid(() => parseArgs('runs:get', { runId: '1', extra: true }), 'extra');
    expectInvalid(() => parseArgs('runs:get', { runId: 5 }), 'runId');
    expectInvalid(() => parseArgs('runs:list', { any: 1 }), 'no arguments');
    expectInvalid(() => parseArgs('training:start', { datasetId: 'd', config: 'not an object' }), 'config');
  });

  it('checks compare run counts and duplicates', () => {
    expectInvalid(() => parseArgs('compare:get', { runIds: ['1'] }), '2 to 6');
    expectInvalid(() => parseArgs('compare:get', { runIds: ['1', '2', '3', '4', '5', '6', '7'] }), '2 to 6');
    expectInvalid(() => parseArgs('compare:get', { runIds: ['1', '1'] }), 'listed twice');
    expectInvalid(() => parseArgs('compare:export', { runIds: ['1', '2'], format: 'xlsx' }), 'format');
  });

  it('needs at least one field to update and http(s) links to open', () => {
    expectInvalid(() => parseArgs('runs:update', { runId: '1' }), 'nothing to update');
    expectInvalid(() => parseArgs('app:openExternal', { url: 'file:///etc/passwd' }), 'http');
    expect(parseArgs('app:openExternal', { url: 'https://example.org/x' })).toEqual({ url: 'https://example.org/x' });
  });
});

describe('dispatch', () => {
  const handlers = new Proxy({} as Record<string, (a: unknown) => unknown>, {
    get: (_t, name: string) => (args: unknown) => ({ name, args }),
  });

  it('validates before calling the handler', async () => {
    await expect(dispatch(handlers as never, 'runs:get', { runId: '7' })).resolves.toEqual({ name: 'runs:get', args: { runId: '7' } });
    await expect(dispatch(handlers as never, 'runs:get', { runId: 7 })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(dispatch(handlers as never, 'runs:hack', {})).rejects.toMatchObject({ code: 'not-found' });
    await expect(dispatch(handlers as never, '__proto__', {})).rejects.toMatchObject({ code: 'not-found' });
  });

  it('turns errors into payloads', () => {
    expect(toErrorPayload(new ApiError('x', 'conflict'))).toEqual({ message: 'x', code: 'conflict' });
    expect(toErrorPayload(new Error('boom'))).toEqual({ message: 'boom', code: 'internal' });
    expect(toErrorPayload('str')).toEqual({ message: 'str', code: 'internal' });
  });

  it('fans events out and keeps going when a listener throws', () => {
    const bus = new ApiEventBus();
    const seen: string[] = [];
    const errSpy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    bus.on(() => {
      throw new Error('broken client');
    });
    const off = bus.on((e) => seen.push(e));
    bus.emit('training:log', { runId: '1', level: 'info', message: 'm', time: 't' });
    off();
    bus.emit('training:log', { runId: '1', level: 'info', message: 'm', time: 't' });
    expect(seen).toEqual(['training:log']);
    expect(errSpy).toHaveBeenCalledTimes(2);
    errSpy.mockRestore();
  });
});

describe('groupApi', () => {
  it('maps every method and event to api.domain.verb / api.domain.onVerb', async () => {
    const calls: [string, unknown][] = [];
    const subs: string[] = [];
    const transport: ApiTransport = {
      invoke: ((m: string, a?: unknown) => {
        calls.push([m, a]);
        return Promise.resolve(m);
      }) as ApiTransport['invoke'],
      subscribe: ((e: string) => {
        subs.push(e);
        return () => subs.push(`off:${e}`);
      }) as ApiTransport['subscribe'],
    };
    const api = groupApi(transport);
    await api.runs.get({ runId: '1' });
    await api.runs.list();
    const off = api.training.onBatch(() => undefined);
    off();
    expect(calls).toEqual([
      ['runs:get', { runId: '1' }],
      ['runs:list', undefined],
    ]);
    expect(subs).toEqual(['training:batch', 'off:training:batch']);
    for (const name of METHOD_NAMES) {
      const [d, v] = name.split(':') as [string, string];
      expect(typeof (api as unknown as Record<string, Record<string, unknown>>)[d]?.[v]).toBe('function');
    }
  });
});
