/**
 * better-sqlite3 under Electron. The copy in node_modules is compiled for Node's ABI (the CLI,
 * tests and `fer-lab serve` use it) and must stay that way, so the desktop app loads a second
 * binary built for Electron's ABI, passed to better-sqlite3 through its `nativeBinding` option:
 *
 *   resources/native/electron-<electron version>/better_sqlite3.node
 *
 * Produce it once per Electron version (needs internet or a compiler; nothing in node_modules changes):
 *   npx prebuild-install --runtime electron --target <electron version> --arch x64 \
 *     --platform <platform> --path node_modules/better-sqlite3   (into a copy of the package)
 * or build it with `npx node-gyp rebuild --target=<version> --dist-url=https://electronjs.org/headers`
 * in a copy of node_modules/better-sqlite3, then copy build/Release/better_sqlite3.node there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function electronSqliteBinding(resourcesDir: string, electronVersion: string): string | null {
  const file = join(resourcesDir, 'native', `electron-${electronVersion}`, 'better_sqlite3.node');
  return existsSync(file) ? file : null;
}

export function missingBindingMessage(resourcesDir: string, electronVersion: string): string {
  return (
    `FER Lab's desktop app needs better-sqlite3 built for Electron ${electronVersion} at ` +
    `${join(resourcesDir, 'native', `electron-${electronVersion}`, 'better_sqlite3.node')} ` +
    '(see src-main/app/native-sqlite.ts). Until then, use the browser mode: npx fer-lab serve'
  );
}
