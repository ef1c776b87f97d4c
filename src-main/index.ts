/**
 * Electron main: only wires modules together. The backend (datasets, RunStore, RunService) is the
 * same one `fer-lab serve` uses; here it speaks IPC and runs workers as utilityProcesses.
 */
import { app, BrowserWindow, dialog, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend } from './api/backend/create-backend.ts';
import { resolveHome } from './home.ts';
import { RunStore } from './store/run-store.ts';
import { registerIpc, forwardEvents } from './app/ipc.ts';
import { createMainWindow } from './app/window.ts';
import { utilityTransport } from './app/utility-transport.ts';
import { electronSqliteBinding, missingBindingMessage } from './app/native-sqlite.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(here, '..', '..', 'resources');

let backend: Backend | null = null;

function openBackend(): Backend {
  const home = resolveHome();
  const binding = electronSqliteBinding(resourcesDir, process.versions.electron ?? '');
  if (!binding) throw new Error(missingBindingMessage(resourcesDir, process.versions.electron ?? ''));
  // The Electron-ABI binary (see native-sqlite.ts); the Node build in node_modules stays untouched.
  const store = RunStore.open(home, { nativeBinding: binding });
  return createBackend({
    home,
    mode: 'desktop',
    store,
    version: app.getVersion(),
    transport: () => utilityTransport(join(here, 'worker.js')),
    pickPath: async (kind) => {
      const win = BrowserWindow.getFocusedWindow();
      const options = {
        properties: kind === 'folder' ? (['openDirectory'] as const) : (['openFile'] as const),
        filters: kind === 'file' ? [{ name: 'FER2013 CSV', extensions: ['csv'] }] : [],
      };
      const r = win ? await dialog.showOpenDialog(win, { ...options, properties: [...options.properties] }) : await dialog.showOpenDialog({ ...options, properties: [...options.properties] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    openExternal: (url) => shell.openExternal(url),
  });
}

app.enableSandbox();

app.whenReady().then(
  () => {
    try {
      backend = openBackend();
    } catch (err) {
      dialog.showErrorBox('FER Lab cannot start', (err as Error).message);
      app.quit();
      return;
    }
    const { window, isApp } = createMainWindow({
      preload: join(here, '..', 'preload', 'index.cjs'),
      indexHtml: join(here, '..', 'renderer', 'index.html'),
      devServerUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined,
    });
    registerIpc(backend.handlers, isApp);
    forwardEvents(backend.events, window.webContents);
  },
  (err: unknown) => {
    console.error(err);
    app.quit();
  },
);

app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', () => app.quit());

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  // Stop workers cleanly (runs become 'interrupted' and can resume) before the process goes.
  event.preventDefault();
  quitting = true;
  void backend.close().finally(() => app.quit());
});
