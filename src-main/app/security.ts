/**
 * Security rules for the desktop window, kept free of `electron` imports so they are unit-testable:
 * what the renderer may navigate to, which links go to the system browser, which permissions pass.
 */

/** The desktop CSP (the renderer's index.html carries the same policy as a meta tag). */
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The renderer may only ever show the app itself: its file:// bundle or, in development, the
 * electron-vite dev server origin. Everything else is refused.
 */
export function isAppUrl(url: string, appEntry: string, devServerUrl?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    if (u.origin === dev.origin) return true;
  }
  if (u.protocol === 'file:') {
    const entry = new URL(appEntry);
    // Same file, any hash route (#/runs/3): the app uses hash history.
    return u.pathname === entry.pathname;
  }
  return false;
}

/** http(s) links open in the system browser; other schemes (file:, javascript:, custom) never do. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Permission requests are refused except the camera (and nothing but video) for the webcam view,
 * and only from the app's own pages.
 */
export function allowPermission(
  permission: string,
  details: { mediaTypes?: string[]; requestingUrl?: string },
  isApp: (url: string) => boolean,
): boolean {
  if (permission !== 'media') return false;
  if (!details.requestingUrl || !isApp(details.requestingUrl)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}
