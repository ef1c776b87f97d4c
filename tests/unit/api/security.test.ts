import { describe, expect, it } from 'vitest';
import { allowPermission, isAppUrl, isExternalLink, DESKTOP_CSP } from '../../../src-main/app/security.ts';

const entry = 'file:///opt/fer-lab/out/renderer/index.html';

describe('desktop security rules', () => {
  it('only allows navigation within the app', () => {
    expect(isAppUrl('file:///opt/fer-lab/out/renderer/index.html#/runs/3', entry)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', entry)).toBe(false);
    expect(isAppUrl('https://evil.example/', entry)).toBe(false);
    expect(isAppUrl('not a url', entry)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/train', entry, 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', entry, 'http://localhost:5173')).toBe(false);
  });

  it('sends only http(s) links to the system browser', () => {
    expect(isExternalLink('https://arxiv.org/abs/1306.0239')).toBe(true);
    expect(isExternalLink('http://example.org')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
    expect(isExternalLink('smb://host/share')).toBe(false);
  });

  it('refuses permissions except the camera for the app itself', () => {
    const isApp = (u: string) => isAppUrl(u, entry);
    expect(allowPermission('media', { mediaTypes: ['video'], requestingUrl: entry }, isApp)).toBe(true);
    expect(allowPermission('media', { mediaTypes: ['video', 'audio'], requestingUrl: entry }, isApp)).toBe(false);
    expect(allowPermission('media', { mediaTypes: ['video'], requestingUrl: 'https://evil.example' }, isApp)).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'midi', 'openExternal']) {
      expect(allowPermission(p, { requestingUrl: entry }, isApp)).toBe(false);
    }
  });

  it('has a CSP without remote or inline scripts', () => {
    expect(DESKTOP_CSP).toContain("default-src 'self'");
    expect(DESKTOP_CSP).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(DESKTOP_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(DESKTOP_CSP).not.toMatch(/https?:/);
  });
});
