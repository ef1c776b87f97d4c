/**
 * Browser-mode transport: one WebSocket to `fer-lab serve`, request/response matched by id, pushed
 * events fanned out to subscribers. Reconnects with back-off so a server restart heals by itself.
 */
import { ApiError, type ApiTransport, type EventName, type EventPayload, type MethodName } from '@contract/contract.ts';
import { TOKEN_PARAM, WS_PATH, type ClientMessage, type ServerMessage } from '@contract/wire.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export interface WsTransport extends ApiTransport {
  close(): void;
}

export function wsUrlFromLocation(loc: Pick<Location, 'protocol' | 'host' | 'search' | 'hash'>, stored?: string | null): string | null {
  const token = new URLSearchParams(loc.search).get(TOKEN_PARAM) ?? stored ?? null;
  if (!token) return null;
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

export function createWsTransport(url: string, WebSocketImpl: typeof WebSocket = WebSocket): WsTransport {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let closed = false;
  let retryMs = 250;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const connect = (): void => {
    const ws = new WebSocketImpl(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (ev: MessageEvent) => {
      const msg = JSON.parse(String(ev.data)) as ServerMessage;
      if (msg.type === 'result') {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new ApiError(msg.error.message, msg.error.code));
      } else if (msg.type === 'event') {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
      }
    };
    ws.onclose = () => {
      // Calls in flight on a dead socket cannot be answered: fail them so the UI can say so.
      for (const [id, p] of pending) {
        p.reject(new ApiError('lost the connection to fer-lab serve', 'unavailable'));
        pending.delete(id);
      }
      if (closed) return;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  return {
    invoke<K extends MethodName>(method: K, ...args: unknown[]) {
      const id = nextId++;
      const msg: ClientMessage = { type: 'call', id, method, args: args[0] };
      const text = JSON.stringify(msg);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (socket?.readyState === WebSocketImpl.OPEN) socket.send(text);
        else queue.push(text);
      }) as never;
    },
    subscribe<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
