/**
 * Serving the webcam demo to a real Chromium for the benchmark (the e2e test uses `fer-lab serve`
 * itself, through tests/e2e/helpers/serve.ts, on out/renderer).
 *
 * Preferred: the full renderer (`src-renderer/index.html`, route #/webcam) built by Vite and served by
 * the browser-mode server (`startServer` from src-main/server with the app's own handlers), exactly
 * as `fer-lab serve` does. When the app shell cannot be built yet (views still missing) a minimal page
 * mounting only WebcamView is built instead; both are served with the same CSP as the app.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'vite';
import vue from '@vitejs/plugin-vue';
import { chromium, type Browser } from 'playwright-core';
import { serveStatic } from '../../src-main/server/static-files.ts';
import { repoRoot } from '../helpers/y4m-fixtures.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ServedPage {
  /** URL that opens the webcam view. */
  url: string;
  kind: 'app' | 'harness';
  close(): Promise<void>;
}

const harnessDir = join(repoRoot, '.cache/webcam-harness');
const appOutDir = join(repoRoot, '.cache/webcam-app');

/** Builds the whole renderer (what `electron-vite build` puts in out/renderer) into .cache/. */
export async function buildApp(): Promise<string> {
  await build({
    root: join(repoRoot, 'src-renderer'),
    configFile: false,
    logLevel: 'warn',
    base: './',
    plugins: [vue()],
    resolve: { alias: { '@contract': join(repoRoot, 'src-main/api') } },
    build: { outDir: appOutDir, emptyOutDir: true, chunkSizeWarningLimit: 8000, reportCompressedSize: false },
  });
  return appOutDir;
}

/**
 * The real thing: the app's renderer served by the browser-mode server over the app's own backend,
 * with a throwaway home folder. Returns the URL of the #/webcam route.
 */
export async function serveApp(): Promise<ServedPage> {
  const dir = await buildApp();
  const { createBackend } = await import('../../src-main/api/backend/create-backend.ts');
  const { startServer } = await import('../../src-main/server/server.ts');
  const home = mkdtempSync(join(tmpdir(), 'fer-webcam-home-'));
  const backend = createBackend({ home, mode: 'browser' });
  const server = await startServer({ handlers: backend.handlers, events: backend.events, staticDir: dir });
  return {
    url: `${server.url}#/webcam`,
    kind: 'app',
    close: async () => {
      await server.close();
      await backend.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * The app when its shell builds and serves; otherwise the WebcamView-only page (reason logged), so
 * the webcam pipeline stays testable while the rest of the app is in flux.
 */
export async function serveWebcam(log: (msg: string) => void = () => {}): Promise<ServedPage> {
  try {
    return await serveApp();
  } catch (err) {
    log(`full app not servable (${(err as Error).message.split('\n')[0]}); using the WebcamView-only page`);
    return serveFolder(await buildHarness());
  }
}

/** Builds (once per process) the page that mounts WebcamView alone; returns its output folder. */
export async function buildHarness(): Promise<string> {
  const outDir = join(harnessDir, 'dist');
  mkdirSync(harnessDir, { recursive: true });
  const appHtml = readFileSync(join(repoRoot, 'src-renderer/index.html'), 'utf8');
  // Same CSP and shell as the app; only the entry differs.
  writeFileSync(join(harnessDir, 'index.html'), appHtml.replace('/src/main.ts', './main.ts'));
  writeFileSync(
    join(harnessDir, 'main.ts'),
    [
      "import { createApp } from 'vue';",
      `import WebcamView from '${join(repoRoot, 'src-renderer/src/views/WebcamView.vue')}';`,
      `import '${join(repoRoot, 'src-renderer/src/styles.css')}';`,
      "createApp(WebcamView).mount('#app');",
      '',
    ].join('\n'),
  );
  await build({
    root: harnessDir,
    configFile: false,
    logLevel: 'warn',
    plugins: [vue()],
    resolve: { alias: { '@contract': join(repoRoot, 'src-main/api') } },
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 8000, reportCompressedSize: false },
  });
  return outDir;
}

/** Serves a built folder on 127.0.0.1 with the app's static handler (and so its CSP). */
export async function serveFolder(dir: string, path = '/'): Promise<ServedPage> {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`nothing built in ${dir}`);
  let port = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    serveStatic(dir, url.pathname, req, res, port);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    kind: 'harness',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Chromium flags for a fake camera that plays `y4m`, with camera permission granted. */
export function fakeCameraArgs(y4m: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`,
    // No GPU here: let WebGL fall back to SwiftShader so the backend choice is a real one.
    '--enable-unsafe-swiftshader',
  ];
}

/** Headless Chromium with the fake camera (the same flags as the e2e tests' browser). */
export async function launchWithFakeCamera(y4m: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--headless', ...fakeCameraArgs(y4m)],
  });
}
