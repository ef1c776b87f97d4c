// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createWsTransport, wsUrlFromLocation } from '../../../src-renderer/src/api/ws-transport.ts';
import { ApiError } from '../../../src-main/api/contract.ts';

class FakeSocket {
  static OPEN = 1;
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(t: string) {
    this.sent.push(t);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

describe('browser-mode WebSocket transport', () => {
  it('builds the socket URL from the page URL token', () => {
    expect(wsUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:9', search: '?token=abc', hash: '' })).toBe('ws://127.0.0.1:9/api/ws?token=abc');
    expect(wsUrlFromLocation({ protocol: 'http:', host: 'h', search: '', hash: '' }, 'kept')).toBe('ws://h/api/ws?token=kept');
    expect(wsUrlFromLocation({ protocol: 'http:', host: 'h', search: '', hash: '' })).toBeNull();
  });

  it('queues calls until open, matches results by id, raises API errors and dispatches events', async () => {
    FakeSocket.instances = [];
    const t = createWsTransport('ws://x/api/ws?token=t', FakeSocket as unknown as typeof WebSocket);
    const sock = FakeSocket.instances[0]!;
    const p1 = t.invoke('runs:get', { runId: '1' });
    const p2 = t.invoke('runs:list');
    expect(sock.sent).toHaveLength(0);
    sock.open();
    expect(sock.sent.map((s) => JSON.parse(s).method)).toEqual(['runs:get', 'runs:list']);
    const [id1, id2] = sock.sent.map((s) => JSON.parse(s).id as number);
    sock.receive({ type: 'result', id: id2, ok: false, error: { message: 'runId: bad', code: 'invalid-input' } });
    sock.receive({ type: 'result', id: id1, ok: true, result: { id: '1' } });
    await expect(p1).resolves.toEqual({ id: '1' });
    await expect(p2).rejects.toBeInstanceOf(ApiError);
    const got: unknown[] = [];
    const off = t.subscribe('training:status', (p) => got.push(p));
    sock.receive({ type: 'event', event: 'training:status', payload: { runId: '1', status: 'running' } });
    off();
    sock.receive({ type: 'event', event: 'training:status', payload: { runId: '1', status: 'stopped' } });
    expect(got).toEqual([{ runId: '1', status: 'running' }]);
    const pending = t.invoke('runs:list');
    t.close();
    await expect(pending).rejects.toThrow(/lost the connection/);
  });
});
