/**
 * `npm run bench [section ...]`: runs each benchmark section in bench/sections/ (or only those named)
 * and writes one JSON file per section to bench/results/<section>.json, with the machine noted.
 * A section module exports `run(ctx): Promise<Record<string, unknown>>` and measures real work;
 * it reports ratios against a baseline measured in the same run, since absolute times vary by machine.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchContext {
  repoRoot: string;
  /** Scratch folder for this run (ignored by git). */
  tmpDir: string;
  log: (msg: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..');
const sectionsDir = join(here, 'sections');
const resultsDir = join(here, 'results');

function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
    node: process.version,
  };
}

async function runAll(): Promise<void> {
  const wanted = process.argv.slice(2);
  const sections = readdirSync(sectionsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .filter((name) => wanted.length === 0 || wanted.includes(name))
    .sort();
  if (sections.length === 0) throw new Error(`no benchmark sections match: ${wanted.join(', ')}`);
  mkdirSync(resultsDir, { recursive: true });
  const tmpDir = join(here, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  for (const name of sections) {
    const log = (msg: string): void => void process.stdout.write(`[bench:${name}] ${msg}\n`);
    log('running');
    const mod = (await import(join(sectionsDir, `${name}.ts`))) as {
      run: (ctx: BenchContext) => Promise<Record<string, unknown>>;
    };
    const started = new Date().toISOString();
    const results = await mod.run({ repoRoot, tmpDir, log });
    const out = { section: name, started, finished: new Date().toISOString(), machine: machine(), results };
    writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
    log(`wrote bench/results/${name}.json`);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  }
}

await runAll();
