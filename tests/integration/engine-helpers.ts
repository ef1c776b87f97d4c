import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src-main/cli/main.ts';
import { syntheticDataset, toFer2013Csv } from '../unit/ml/train/synthetic.ts';

export const TINY_MODEL = { inputSize: 16, widthMultiplier: 1 / 16 } as const;

export function tempHome(prefix = 'fer-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fer2013.csv-style file of the synthetic dataset (imported at 16x16 by the runs). */
export function writeSyntheticCsv(dir: string, perClassSplit: [number, number, number] = [8, 3, 3]): string {
  const file = join(dir, 'fer2013.csv');
  writeFileSync(file, toFer2013Csv(syntheticDataset({ perClassSplit, classes: 7 })));
  return file;
}

/** Runs the CLI in-process and captures its output. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    const code = await main(['node', 'fer-lab', ...args]);
    const set = process.exitCode;
    return { code: code !== 0 ? code : typeof set === 'number' && set !== before ? set : 0, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = before;
  }
}
