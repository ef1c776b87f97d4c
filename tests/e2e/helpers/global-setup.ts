import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The e2e tests serve out/renderer: build it once if a previous `electron-vite build` did not. */
export default function setup(): void {
  if (existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) return;
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}
