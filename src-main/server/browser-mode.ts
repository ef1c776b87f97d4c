/**
 * `fer-lab serve`: the workbench in a browser. Builds the same backend as the desktop app, serves
 * the built renderer and the API on 127.0.0.1, and prints the tokenised URL.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend } from '../api/backend/create-backend.ts';
import { startServer, type RunningServer } from './server.ts';

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export interface BrowserModeOptions {
  home: string;
  port?: number;
  staticDir?: string;
}

export interface BrowserMode {
  server: RunningServer;
  backend: Backend;
  close(): Promise<void>;
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const backend = createBackend({ home: options.home, mode: 'browser' });
  let server: RunningServer;
  try {
    server = await startServer({
      handlers: backend.handlers,
      events: backend.events,
      staticDir: options.staticDir ?? DEFAULT_STATIC_DIR,
      port: options.port ?? 0,
    });
  } catch (err) {
    await backend.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`port ${options.port} is in use: choose another with --port, or --port 0 for any free port`);
    throw err;
  }
  return {
    server,
    backend,
    close: async () => {
      await server.close();
      await backend.close();
    },
  };
}

export function rendererBuilt(staticDir = DEFAULT_STATIC_DIR): boolean {
  return existsSync(`${staticDir}/index.html`);
}

/** Opens a URL in the system browser; failure is not an error (the URL is printed anyway). */
export function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No desktop browser available (servers, CI): the printed URL is enough.
  }
}
