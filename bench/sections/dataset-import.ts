/**
 * Dataset import speed on the shared FER2013 folder (32,298 48x48 JPEGs): FER Lab's import without
 * its cache, with its cache, and the usual Python loop (Pillow + NumPy) in the same run, interleaved so
 * machine load hits both alike. Targets: uncached/pillow <= 1.0, cached < 0.3 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext } from '../run.ts';
import { importDataset } from '../../src-main/data/import-dataset.ts';

const RUNS = 5;
const PYTHON = '/usr/bin/python3';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}

function pillowSeconds(repoRoot: string, dir: string): { seconds: number; shape: number[] } {
  const r = spawnSync(PYTHON, [join(repoRoot, 'bench', 'pillow_load.py'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pillow_load.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { seconds: number; shape: number[] };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const dir = resolve(ctx.repoRoot, '../shared/datasets/fer2013');
  if (!existsSync(dir)) {
    ctx.log(`skipped: ${dir} is absent`);
    return { skipped: `${dir} is absent` };
  }
  const home = join(ctx.tmpDir, 'dataset-import-home');
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });

  // Warm-up (not counted): fills the OS page cache for both sides and writes FER Lab's cache.
  const warm = await importDataset(dir, { home });
  const pillowWarm = pillowSeconds(ctx.repoRoot, dir);
  ctx.log(`warm-up: ${warm.report.total} images (FER Lab), shape ${pillowWarm.shape.join('x')} (Pillow)`);

  const uncached: number[] = [];
  const pillow: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const fresh = await importDataset(dir, { useCache: false });
    uncached.push((performance.now() - t) / 1000);
    if (fresh.report.total !== warm.report.total) throw new Error('uncached import returned a different number of images');

    pillow.push(pillowSeconds(ctx.repoRoot, dir).seconds);

    t = performance.now();
    const hit = await importDataset(dir, { home });
    cached.push((performance.now() - t) / 1000);
    if (!hit.report.cache.hit) throw new Error('expected a cache hit');
    ctx.log(`run ${i + 1}/${RUNS}: uncached ${uncached[i]?.toFixed(2)} s, pillow ${pillow[i]?.toFixed(2)} s, cached ${cached[i]?.toFixed(3)} s`);
  }
  rmSync(home, { recursive: true, force: true });

  const u = median(uncached);
  const p = median(pillow);
  const c = median(cached);
  return {
    dataset: dir,
    images: warm.report.total,
    size: 48,
    runs: RUNS,
    decodeWorkers: Math.min(availableParallelism(), 8),
    seconds: {
      uncachedMedian: round(u),
      cachedMedian: round(c, 4),
      pillowMedian: round(p),
      uncached: uncached.map((x) => round(x)),
      cached: cached.map((x) => round(x, 4)),
      pillow: pillow.map((x) => round(x)),
    },
    ratios: {
      uncachedOverPillow: round(u / p),
      cachedOverPillow: round(c / p, 4),
    },
    targets: {
      uncachedOverPillowAtMost1: u / p <= 1,
      cachedUnder0_3s: c < 0.3,
    },
    notes:
      'Medians of interleaved runs after one uncounted warm-up (page cache warm for both). Pillow time is its ' +
      'loop only (no interpreter start-up); FER Lab times are in-process importDataset calls (no Node start-up).',
  };
}
