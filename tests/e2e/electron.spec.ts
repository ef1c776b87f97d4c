/**
 * Smoke test of the real desktop app: launches Electron on the built app (out/) and checks that
 * the window shows the workbench and that the renderer sees exactly the bridged API and no Node.
 * Runs only where an Electron binary and the Electron-ABI better-sqlite3 exist; skipped otherwise.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { _electron as electron } from 'playwright-core';
import { METHOD_NAMES } from '../../src-main/api/contract.ts';
import { repoRoot } from './helpers/serve.ts';

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const version = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const binding = join(repoRoot, 'resources', 'native', `electron-${version}`, 'better_sqlite3.node');
const skipReason = !binary
  ? 'no Electron binary (node_modules/electron/dist is missing: its download needs internet)'
  : !existsSync(binding)
    ? `no better-sqlite3 built for Electron ${version} at ${binding} (see src-main/app/native-sqlite.ts)`
    : !existsSync(join(repoRoot, 'out', 'main', 'index.js'))
      ? 'the app is not built (run electron-vite build)'
      : null;
if (skipReason) console.warn(`[e2e] Electron smoke test skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('desktop app (Electron)', () => {
  it('opens the workbench with the bridged API and no Node in the renderer', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fer-electron-home-'));
    const app = await electron.launch({
      executablePath: binary as string,
      args: [repoRoot],
      env: { ...process.env, FER_LAB_HOME: home },
    });
    try {
      const win = await app.firstWindow();
      await win.getByRole('navigation', { name: 'Main' }).waitFor();
      expect(await win.title()).toContain('FER Lab');
      const probe = (await win.evaluate(`({
        node: typeof require !== 'undefined' || typeof process !== 'undefined',
        groups: Object.keys(window.api ?? {}).sort(),
      })`)) as { node: boolean; groups: string[] };
      expect(probe.node).toBe(false);
      expect(probe.groups).toEqual([...new Set(METHOD_NAMES.map((m) => m.split(':')[0]))].sort());
      const info = (await win.evaluate('window.api.app.info()')) as { mode: string; home: string };
      expect(info).toMatchObject({ mode: 'desktop', home });
    } finally {
      await app.close();
    }
  });
});
