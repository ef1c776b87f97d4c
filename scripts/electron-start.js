#!/usr/bin/env node
/**
 * `npm start` (after `electron-vite build`): launches the desktop app when it can run here, and
 * otherwise falls back to the browser mode so `npm ci && npm start` always gives a working workbench.
 *
 * 1. No Electron binary (npm ci on a machine without internet skips its download)? Try Electron's own
 *    download script once. If that fails, explain and fall back.
 * 2. No better-sqlite3 built for Electron's ABI (resources/native/electron-<version>/, see
 *    src-main/app/native-sqlite.ts)? Explain and fall back: the Node copy in node_modules must stay
 *    as it is for the CLI and the tests.
 * 3. Fallback: `fer-lab serve` (127.0.0.1, tokenised URL, opens the system browser).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronDir = join(root, 'node_modules', 'electron');

function electronBinary() {
  try {
    // The package's main resolves the downloaded binary's path and throws when it is missing.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function fallback(reason) {
  process.stderr.write(`\n${reason}\nStarting FER Lab in browser mode instead (fer-lab serve)…\n\n`);
  const child = spawn(process.execPath, [join(root, 'bin', 'fer-lab.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

let binary = electronBinary();
if (!binary && existsSync(join(electronDir, 'install.js'))) {
  process.stdout.write('Electron is not downloaded yet: trying its installer once…\n');
  // Its own output is a stack trace when offline; show only the error line, the fallback explains the rest.
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', timeout: 180_000 });
  if (r.status === 0) binary = electronBinary();
  else {
    const reason = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? r.error?.message ?? `exit ${r.status}`;
    process.stdout.write(`Electron's download failed: ${reason.trim()}\n`);
  }
}

const version = electronVersion();
const binding = version ? join(root, 'resources', 'native', `electron-${version}`, 'better_sqlite3.node') : null;

if (!binary) {
  fallback('The Electron binary is not installed and could not be downloaded (no internet access?).');
} else if (!binding || !existsSync(binding)) {
  fallback(
    `The desktop app needs better-sqlite3 built for Electron ${version} at ${binding} ` +
      '(see src-main/app/native-sqlite.ts for how to build it).',
  );
} else {
  const child = spawn(binary, [root], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}
