/** Starts the real CLI `fer-lab serve` on a free port with its own home folder, and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

export interface Served {
  url: string;
  home: string;
  output: () => string;
  stop(): Promise<void>;
}

export async function startServe(home = mkdtempSync(join(tmpdir(), 'fer-e2e-home-'))): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin', 'fer-lab.js'), '--home', home, 'serve', '--port', '0', '--no-open'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FER_LAB_HOME: home },
  });
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (out += c));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`fer-lab serve printed no URL within 60 s:\n${out}`)), 60_000);
    child.stdout?.on('data', (c: string) => {
      out += c;
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fer-lab serve exited with code ${code}:\n${out}`));
    });
  });
  return {
    url,
    home,
    output: () => out,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGINT');
      }),
  };
}
