import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeKaggleFolder, tempDir } from '../helpers/dataset-fixtures.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'fer-lab.js'), ...args], { encoding: 'utf8', cwd: repoRoot });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fer-lab dataset inspect', () => {
  let root: string;
  let home: string;
  beforeAll(async () => {
    root = join(tempDir('fer-cli-'), 'fer');
    await makeKaggleFolder(root, { perClass: 3, testPerClass: 2 });
    home = tempDir('fer-cli-home-');
  });

  it('prints a readable table, then JSON from the cache', () => {
    const text = cli(['--home', home, 'dataset', 'inspect', root]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Dataset {3}fer \(kaggle-folders\)/);
    expect(text.stdout).toMatch(/^happy\s+3\s+1\s+1\s+5$/m);
    expect(text.stdout).toMatch(/^total\s+21\s+7\s+7\s+35$/m);
    expect(text.stdout).toMatch(/^Cache {5}written/m);
    // stderr is not a TTY here: no progress bar noise.
    expect(text.stderr).toBe('');

    const json = cli(['--home', home, 'dataset', 'inspect', root, '--json']);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.cache.hit).toBe(true);
    expect(report.splitTotals).toEqual({ train: 21, val: 7, test: 7 });
    expect(report.counts.train.angry).toBe(3);
  });

  it('honours --size and --no-cache', () => {
    const r = cli(['--home', home, 'dataset', 'inspect', root, '--json', '--size', '24', '--no-cache']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect([report.width, report.height, report.cache.enabled]).toEqual([24, 24, false]);
  });

  it('exits 1 with the path in the message for bad input, and rejects bad flags', () => {
    const missing = join(home, 'nope');
    const r = cli(['--home', home, 'dataset', 'inspect', missing]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${missing}: does not exist`);
    const bad = cli(['--home', home, 'dataset', 'inspect', root, '--val-fraction', '1.5']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/not a fraction/);
  });
});
