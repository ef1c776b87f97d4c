/**
 * Dataset import speed on the shared FER2013 folder (32,298 48x48 JPEGs): FER Lab's import without
 * its cache, with its cache, and the usual Python loop (Pillow + NumPy) in the same run, interleaved so
 * machine load hits both alike. Targets: uncached/pillow <= 1.0, cached < 0.3 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
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

interface PillowRun {
  seconds: number;
  cpuSeconds: number;
  shape: number[];
}

function pillowRun(repoRoot: string, dir: string): PillowRun {
  const r = spawnSync(PYTHON, [join(repoRoot, 'bench', 'pillow_load.py'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pillow_load.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as PillowRun;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const dir = resolve(ctx.repoRoot, '../shared/datasets/fer2013');
  if (!existsSync(dir)) {
    ctx.log(`skipped: ${dir} is absent`);
    return { skipped: `${dir} is absent` };
  }
  const loadBefore = loadavg()[0] ?? 0;
  const home = join(ctx.tmpDir, 'dataset-import-home');
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });

  // Warm-up (not counted): fills the OS page cache for both sides and writes FER Lab's cache.
  const warm = await importDataset(dir, { home });
  const pillowWarm = pillowRun(ctx.repoRoot, dir);
  ctx.log(`warm-up: ${warm.report.total} images (FER Lab), shape ${pillowWarm.shape.join('x')} (Pillow)`);

  const uncached: number[] = [];
  const uncachedCpu: number[] = [];
  const pillow: number[] = [];
  const pillowCpu: number[] = [];
  const cached: number[] = [];
  const cachedCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    // process.cpuUsage covers every thread of this process, the decode workers included.
    const cpu0 = process.cpuUsage();
    const fresh = await importDataset(dir, { useCache: false });
    uncached.push((performance.now() - t) / 1000);
    const cpu = process.cpuUsage(cpu0);
    uncachedCpu.push((cpu.user + cpu.system) / 1e6);
    if (fresh.report.total !== warm.report.total) throw new Error('uncached import returned a different number of images');

    const p = pillowRun(ctx.repoRoot, dir);
    pillow.push(p.seconds);
    pillowCpu.push(p.cpuSeconds);

    t = performance.now();
    const cpuCached0 = process.cpuUsage();
    const hit = await importDataset(dir, { home });
    cached.push((performance.now() - t) / 1000);
    const cpuCached = process.cpuUsage(cpuCached0);
    cachedCpu.push((cpuCached.user + cpuCached.system) / 1e6);
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
    // CPU time is far less sensitive than wall time to other work on a shared machine.
    cpuSeconds: {
      uncachedMedian: round(median(uncachedCpu)),
      pillowMedian: round(median(pillowCpu)),
      cachedMedian: round(median(cachedCpu), 4),
      cached: cachedCpu.map((x) => round(x, 4)),
      uncached: uncachedCpu.map((x) => round(x)),
      pillow: pillowCpu.map((x) => round(x)),
    },
    loadAverage1m: { before: round(loadBefore, 2), after: round(loadavg()[0] ?? 0, 2) },
    ratios: {
      uncachedOverPillow: round(u / p),
      uncachedCpuOverPillowCpu: round(median(uncachedCpu) / median(pillowCpu)),
      cachedOverPillow: round(c / p, 4),
    },
    targets: {
      uncachedOverPillowAtMost1: u / p <= 1,
      cachedUnder0_3s: c < 0.3,
    },
    notes:
      'Medians of interleaved runs after one uncounted warm-up (page cache warm for both). Pillow time is its ' +
      'loop only (no interpreter start-up); FER Lab times are in-process importDataset calls (no Node start-up). ' +
      'The targets are judged on wall time; on a machine shared with other jobs (see loadAverage1m) the CPU-time ' +
      'ratio is the steadier comparison of the work each side does.',
  };
}
