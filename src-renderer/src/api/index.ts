/**
 * The renderer's single door to the backend. Components and composables import `api` from here and
 * never touch `window.api`: in the desktop app the preload provides it over IPC; in browser mode
 * (`fer-lab serve`) a WebSocket transport implements the same grouped contract.
 */
import { groupApi, type GroupedApi } from '@contract/contract.ts';
import { createWsTransport, wsUrlFromLocation } from './ws-transport.ts';

const TOKEN_KEY = 'fer-lab-token';

function pickApi(): GroupedApi {
  if (window.api) return window.api;
  const stored = sessionStorage.getItem(TOKEN_KEY);
  const url = wsUrlFromLocation(window.location, stored);
  if (!url) throw new Error('No session token: open the URL printed by `fer-lab serve` (it ends in ?token=...).');
  // Keep the token for reloads, then drop it from the address bar so it is not shared by accident.
  const token = new URL(url).searchParams.get('token');
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  if (new URLSearchParams(window.location.search).has('token')) {
    history.replaceState(history.state, '', window.location.pathname + window.location.hash);
  }
  return groupApi(createWsTransport(url));
}

let instance: GroupedApi | null = null;
let startupError: string | null = null;
try {
  instance = pickApi();
} catch (err) {
  startupError = (err as Error).message;
}

export const transportError = startupError;

/** The API; throws on use if no transport could be set up (the App shows `transportError`). */
export const api: GroupedApi = new Proxy({} as GroupedApi, {
  get(_target, key: string) {
    if (!instance) throw new Error(startupError ?? 'API unavailable');
    return instance[key as keyof GroupedApi];
  },
});

export const isDesktop = (): boolean => Boolean(window.api);
