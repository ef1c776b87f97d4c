/**
 * The main window with the security rules applied: context isolation, sandbox, no Node in the
 * renderer, no <webview>, a CSP header, navigation locked to the app, new windows denied (http(s)
 * links go to the system browser), permissions refused except the camera.
 */
import { BrowserWindow, session, shell } from 'electron';
import { pathToFileURL } from 'node:url';
import { allowPermission, DESKTOP_CSP, isAppUrl, isExternalLink } from './security.ts';

export interface WindowOptions {
  preload: string;
  /** Built renderer index.html (production). */
  indexHtml: string;
  /** electron-vite dev server URL (development, hot reload). */
  devServerUrl?: string;
}

export function createMainWindow(opts: WindowOptions): { window: BrowserWindow; isApp: (url: string) => boolean } {
  const entry = pathToFileURL(opts.indexHtml).href;
  const isApp = (url: string): boolean => isAppUrl(url, entry, opts.devServerUrl);

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(allowPermission(permission, { mediaTypes: (details as { mediaTypes?: string[] }).mediaTypes, requestingUrl: details.requestingUrl }, isApp));
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permission === 'media' && isApp(requestingOrigin || ''));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [DESKTOP_CSP] } });
  });

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'FER Lab',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());

  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isApp(url)) return;
    event.preventDefault();
    if (isExternalLink(url)) void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isApp(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());

  if (opts.devServerUrl) void window.loadURL(opts.devServerUrl);
  else void window.loadFile(opts.indexHtml);
  return { window, isApp };
}
