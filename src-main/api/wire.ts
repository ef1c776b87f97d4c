/** Messages of the browser-mode WebSocket protocol (JSON text frames). */
import type { ApiErrorPayload } from './contract.ts';

export type ClientMessage = { type: 'call'; id: number; method: string; args?: unknown };

export type ServerMessage =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorPayload }
  | { type: 'event'; event: string; payload: unknown };

/** Query parameter that carries the session token in the printed URL and the WebSocket URL. */
export const TOKEN_PARAM = 'token';
/** WebSocket endpoint path. */
export const WS_PATH = '/api/ws';
/** HTTP endpoint prefix for one-shot calls: POST /api/call/<method> with a JSON body. */
export const HTTP_CALL_PREFIX = '/api/call/';
