import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiHandlers } from '../../../src-main/api/contract.ts';
import { ApiEventBus } from '../../../src-main/api/dispatch.ts';
import { startServer, type RunningServer } from '../../../src-main/server/server.ts';

/** Handlers that echo what they were called with (after validation). */
const handlers = new Proxy({} as ApiHandlers, {
  get: (_t, name: string) => (args: unknown) => {
    if (name === 'runs:delete') throw new Error('disk on fire');
    return { method: name, args: args ?? null };
  },
});

function raw(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser-mode server', () => {
  let server: RunningServer;
  const events = new ApiEventBus();
  let staticDir: string;

  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'fer-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>shell</title>');
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'secret-outside.txt'), 'secret');
    server = await startServer({ handlers, events, staticDir, port: 0 });
  });
  afterAll(async () => server.close());

  const auth = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });

  it('listens on 127.0.0.1 and prints a URL with a random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{20,}$`));
  });

  it('refuses API calls without the right token', async () => {
    const none = await raw(server.port, '/api/call/runs:list', { method: 'POST' });
    expect(none.status).toBe(401);
    const wrong = await raw(server.port, '/api/call/runs:list', { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('refuses foreign Host and Origin headers (DNS rebinding, cross-site pages)', async () => {
    const host = await raw(server.port, '/api/call/runs:list', { method: 'POST', headers: { ...auth(), host: 'evil.example' } });
    expect(host.status).toBe(421);
    const origin = await raw(server.port, '/api/call/runs:list', { method: 'POST', headers: { ...auth(), origin: 'https://evil.example' } });
    expect(origin.status).toBe(401);
  });

  it('validates arguments and names the field', async () => {
    const ok = await raw(server.port, '/api/call/runs:get', { method: 'POST', headers: auth(), body: JSON.stringify({ runId: '4' }) });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ result: { method: 'runs:get', args: { runId: '4' } } });
    const bad = await raw(server.port, '/api/call/runs:get', { method: 'POST', headers: auth(), body: JSON.stringify({ runId: 4 }) });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toContain('runId');
    const notJson = await raw(server.port, '/api/call/runs:get', { method: 'POST', headers: auth(), body: '{' });
    expect(notJson.status).toBe(400);
    const unknown = await raw(server.port, '/api/call/fs:read', { method: 'POST', headers: auth(), body: '{}' });
    expect(unknown.status).toBe(404);
    const failing = await raw(server.port, '/api/call/runs:delete', { method: 'POST', headers: auth(), body: JSON.stringify({ runId: '1' }) });
    expect(failing.status).toBe(500);
    expect(JSON.parse(failing.body)).toEqual({ message: 'disk on fire', code: 'internal' });
  });

  it('serves the renderer with a CSP, falls back to the shell for routes, and never escapes its folder', async () => {
    const shell = await raw(server.port, '/');
    expect(shell.status).toBe(200);
    expect(shell.body).toContain('shell');
    expect(String(shell.headers['content-security-policy'])).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect((await raw(server.port, '/assets/app.js')).headers['content-type']).toContain('javascript');
    expect((await raw(server.port, '/compare')).body).toContain('shell');
    expect((await raw(server.port, '/assets/missing.js')).status).toBe(404);
    const escape = await raw(server.port, '/..%2f..%2fsecret-outside.txt');
    expect(escape.body).not.toContain('secret');
  });

  it('answers calls and pushes events over the WebSocket, only with the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=wrong`);
    await new Promise<void>((resolve) => refused.on('error', () => resolve()));

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    const messages: unknown[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'runs:get', args: { runId: '9' } }));
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'runs:get', args: {} }));
    await new Promise((r) => setTimeout(r, 100));
    events.emit('training:epoch', { runId: '9', epoch: 1, epochsPlanned: 2, trainLoss: 1, trainAcc: 0.5, valLoss: null, valAcc: null, lr: 0.1, seconds: 1 });
    await expect.poll(() => messages.length).toBe(3);
    expect(messages).toContainEqual({ type: 'result', id: 1, ok: true, result: { method: 'runs:get', args: { runId: '9' } } });
    expect(messages).toContainEqual(expect.objectContaining({ type: 'result', id: 2, ok: false, error: expect.objectContaining({ code: 'invalid-input' }) }));
    expect(messages).toContainEqual(expect.objectContaining({ type: 'event', event: 'training:epoch' }));
    ws.close();
  });
});
