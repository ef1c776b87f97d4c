/**
 * Browser mode: serves the built renderer and the API contract over HTTP + WebSocket, bound to
 * 127.0.0.1 only. Every API request must carry the random session token (printed in the URL), and
 * the Host/Origin headers must name this server, which shuts out other local users' web pages and
 * DNS-rebinding attacks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiHandlers } from '../api/contract.ts';
import { ApiEventBus, dispatch, toErrorPayload } from '../api/dispatch.ts';
import { HTTP_CALL_PREFIX, TOKEN_PARAM, WS_PATH, type ClientMessage, type ServerMessage } from '../api/wire.ts';
import { serveStatic } from './static-files.ts';

export interface ServerOptions {
  handlers: ApiHandlers;
  events: ApiEventBus;
  /** Folder of the built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY = 1 << 20;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = options.port ?? 0;
  const allowedHosts = (): Set<string> => new Set([`${HOST}:${port}`, `localhost:${port}`]);

  const hostAllowed = (req: IncomingMessage): boolean => allowedHosts().has(req.headers.host ?? '');
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // non-browser clients (curl, tests) send none
    try {
      return allowedHosts().has(new URL(origin).host);
    } catch {
      return false;
    }
  };
  const tokenFrom = (req: IncomingMessage): string => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7);
    return new URL(req.url ?? '/', `http://${HOST}`).searchParams.get(TOKEN_PARAM) ?? '';
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handleCall = async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    if (req.method !== 'POST') return sendJson(res, 405, { message: 'use POST', code: 'invalid-input' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) return sendJson(res, 413, { message: 'request body too large', code: 'invalid-input' });
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let args: unknown;
    try {
      args = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      return sendJson(res, 400, { message: 'request body is not valid JSON', code: 'invalid-input' });
    }
    try {
      sendJson(res, 200, { result: (await dispatch(options.handlers, method, args)) ?? null });
    } catch (err) {
      const payload = toErrorPayload(err);
      sendJson(res, payload.code === 'invalid-input' ? 400 : payload.code === 'not-found' ? 404 : 500, payload);
    }
  };

  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(421).end('misdirected request');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname.startsWith('/api/')) {
      if (!originAllowed(req) || !sameToken(tokenFrom(req), token)) {
        sendJson(res, 401, { message: 'missing or wrong session token: open the URL printed by fer-lab serve', code: 'invalid-input' });
        return;
      }
      if (url.pathname.startsWith(HTTP_CALL_PREFIX)) {
        void handleCall(req, res, decodeURIComponent(url.pathname.slice(HTTP_CALL_PREFIX.length)));
        return;
      }
      sendJson(res, 404, { message: `no such endpoint ${url.pathname}`, code: 'not-found' });
      return;
    }
    serveStatic(options.staticDir, url.pathname, req, res, port);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname !== WS_PATH || !hostAllowed(req) || !originAllowed(req) || !sameToken(tokenFrom(req), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, msg: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data) => {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(String(data)) as ClientMessage;
      } catch {
        return; // not our protocol; nothing to answer to
      }
      if (msg?.type !== 'call' || typeof msg.id !== 'number') return;
      dispatch(options.handlers, msg.method, msg.args).then(
        (result) => send(ws, { type: 'result', id: msg.id, ok: true, result: result ?? null }),
        (err: unknown) => send(ws, { type: 'result', id: msg.id, ok: false, error: toErrorPayload(err) }),
      );
    });
  });

  const unsubscribe = options.events.on((event, payload) => {
    const text = JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
