#!/usr/bin/env node
/**
 * `npm run dist`: builds the desktop app for this platform.
 *   Windows -> NSIS installer for x64 in dist/ (FER-Lab-Setup-<version>-x64.exe)
 *   Linux / macOS -> the unpacked app folder in dist/ (linux-unpacked/, mac/)
 *
 * Steps: check the Electron binary -> electron-vite build -> draw the icons -> build better-sqlite3
 * for Electron's ABI in a scratch copy (node_modules stays the Node build the CLI and tests use) ->
 * electron-builder with build/electron-builder.config.mjs. Each failure says what is missing and how
 * to provide it; nothing is left half-written in node_modules.
 *
 * Environment: ELECTRON_DIST (an unpacked Electron folder, when node_modules/electron/dist is absent),
 * FER_LAB_SKIP_RENDERER_BUILD=1 (reuse out/ as built).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeIcons } from '../build/make-icons.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cache = join(root, '.cache', 'dist');

class DistError extends Error {}

function step(msg) {
  process.stdout.write(`\n== ${msg}\n`);
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw new DistError(`${what} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new DistError(`${what} failed (exit code ${r.status}); see its output above`);
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  } catch {
    throw new DistError('the electron package is not installed (node_modules/electron); run `npm ci` first');
  }
}

/** The unpacked Electron runtime electron-builder copies into the app (it must not download one). */
function electronDist(version) {
  const fromEnv = process.env.ELECTRON_DIST;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new DistError(`ELECTRON_DIST=${fromEnv} does not exist`);
    return resolve(fromEnv);
  }
  const local = join(root, 'node_modules', 'electron', 'dist');
  if (existsSync(local)) return local;
  throw new DistError(
    [
      `the Electron ${version} binary is missing: ${local} does not exist.`,
      "electron's install script downloads it, and package.json's allowScripts keeps that script off (and this machine may have no internet).",
      'Provide it, then run `npm run dist` again, in one of these ways:',
      '  - with internet: `node node_modules/electron/install.js` (downloads into node_modules/electron/dist), or',
      `  - unpack electron-v${version}-${process.platform}-${process.arch}.zip somewhere and set ELECTRON_DIST to that folder.`,
    ].join('\n'),
  );
}

/**
 * better-sqlite3 compiled for Electron's ABI, built in a scratch copy of the package so
 * node_modules/better-sqlite3 keeps its Node build. A prebuilt binary placed at
 * resources/native/electron-<version>/better_sqlite3.node is used as is.
 */
function electronSqlite(version) {
  const out = join(cache, 'native', `electron-${version}`);
  const target = join(out, 'better_sqlite3.node');
  const prebuilt = join(root, 'resources', 'native', `electron-${version}`, 'better_sqlite3.node');
  if (existsSync(prebuilt)) {
    mkdirSync(out, { recursive: true });
    cpSync(prebuilt, target);
    return target;
  }
  if (existsSync(target)) return target;
  const scratch = join(cache, 'sqlite-build');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, 'node_modules'), { recursive: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(scratch, 'node_modules', 'better-sqlite3'), { recursive: true });
  rmSync(join(scratch, 'node_modules', 'better-sqlite3', 'build'), { recursive: true, force: true });
  // @electron/rebuild (an electron-builder dependency) fetches a prebuilt binary or compiles with node-gyp
  // against Electron's headers; both need the network or a local header cache.
  const rebuildCli = require.resolve('@electron/rebuild/lib/cli.js');
  const r = spawnSync(process.execPath, [rebuildCli, '--version', version, '--module-dir', join(scratch, 'node_modules', 'better-sqlite3'), '--arch', 'x64', '--force'], { cwd: scratch, stdio: 'inherit' });
  const built = join(scratch, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (r.status !== 0 || !existsSync(built)) {
    throw new DistError(
      [
        `could not build better-sqlite3 for Electron ${version} (it needs Electron's headers or a prebuilt binary from the internet, or a C++ toolchain).`,
        `Place a better_sqlite3.node built for Electron ${version} at ${prebuilt} and run \`npm run dist\` again.`,
      ].join('\n'),
    );
  }
  mkdirSync(out, { recursive: true });
  cpSync(built, target);
  return target;
}

async function main() {
  const version = electronVersion();
  const platform = process.platform;
  step(`FER Lab dist for ${platform}-${process.arch}, Electron ${version}`);
  const dist = electronDist(version);

  if (process.env.FER_LAB_SKIP_RENDERER_BUILD !== '1') {
    step('electron-vite build');
    run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], 'electron-vite build');
  }

  step('icons');
  const icons = makeIcons(join(cache, 'icons'));
  process.stdout.write(`${icons.png}\n${icons.ico}\n`);

  step('better-sqlite3 for Electron');
  process.stdout.write(`${electronSqlite(version)}\n`);

  step('electron-builder');
  const { build, Platform } = await import('electron-builder');
  const config = (await import('../build/electron-builder.config.mjs')).default;
  const targets =
    platform === 'win32' ? Platform.WINDOWS.createTarget(['nsis'], 1 /* x64 */) : platform === 'darwin' ? Platform.MAC.createTarget(['dir']) : Platform.LINUX.createTarget(['dir'], 1);
  const files = await build({ projectDir: root, targets, config: { ...config, electronDist: dist }, publish: 'never' });
  step('done');
  for (const f of files) process.stdout.write(`${f}\n`);
  if (platform !== 'win32') process.stdout.write(`unpacked app in ${join(root, 'dist')}; the NSIS installer is built on Windows (see .github/workflows/windows.yml)\n`);
}

main().catch((err) => {
  process.stderr.write(`\nnpm run dist: ${err instanceof DistError ? err.message : err?.stack ?? err}\n`);
  process.exitCode = 1;
});
