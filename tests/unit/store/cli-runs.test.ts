import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { runCommandGroup, type CliResult } from '../../helpers/cli-in-process.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerRunsCommands } from '../../../src-main/cli/runs-commands.ts';
import { SCHEMA_VERSION } from '../../../src-main/store/migrations.ts';
import { APPLICATION_ID, DB_FILE, RunStore } from '../../../src-main/store/run-store.ts';
import { evaluationFromCorrectness, tempHome } from './helpers.ts';

const repoRoot = resolve(__dirname, '../../..');
const CLASSES = ['angry', 'very_happy', 'sad'];

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

function cli(...args: string[]): Promise<CliResult> {
  return runCommandGroup(registerRunsCommands, home, args);
}

// Per-sample correctness on 12 test samples:
//   run A right on 0..7, run B right on 5..8.
//   b (A right, B wrong) = samples 0..4 = 5; c (A wrong, B right) = sample 8 = 1.
//   b + c = 6 < 25 -> exact binomial: p = 2 * (C(6,0) + C(6,1)) / 2^6 = 14/64 = 0.21875
const correctA = Array.from({ length: 12 }, (_, i) => i <= 7);
const correctB = Array.from({ length: 12 }, (_, i) => i >= 5 && i <= 8);

interface Ids {
  a: number;
  b: number;
  other: number;
  noPreds: number;
}

function populate(): Ids {
  const store = RunStore.open(home);
  store.upsertDataset({ fingerprint: 'fp-1', name: 'tiny', source: '/d/tiny', format: 'class-folders', classNames: CLASSES, counts: {} });
  store.upsertDataset({ fingerprint: 'fp-2', name: 'other', source: '/d/other', format: 'class-folders', classNames: CLASSES, counts: {} });
  const mk = (model: string, fp: string, tags: string[] = []): number => store.createRun({ modelName: model, config: { model }, seed: 1, datasetFingerprint: fp, tags });
  const a = mk('dcnnbea', 'fp-1', ['paper']);
  const b = mk('vgg16', 'fp-1');
  const other = mk('dcnnbea', 'fp-2');
  const noPreds = mk('alexnet', 'fp-1');
  for (const id of [a, b]) {
    for (let e = 1; e <= 3; e++) {
      store.recordEpoch(id, { epoch: e, trainLoss: 1 / e, trainAcc: 0.3 * e, valLoss: 1.2 / e, valAcc: 0.25 * e, lr: 0.1, elapsedMs: 1500, numTensors: 99 });
    }
    store.updateRun(id, { bestEpoch: 3, bestValAcc: 0.75 });
    store.finishRun(id, 'completed');
  }
  store.addEvaluation({ runId: a, split: 'test', tta: false, ...evaluationFromCorrectness(correctA, CLASSES) });
  // B's predictions are stored in reverse sample order.
  store.addEvaluation({ runId: b, split: 'test', tta: false, ...evaluationFromCorrectness(correctB, CLASSES, [...Array(12).keys()].reverse()) });
  store.addEvaluation({ runId: other, split: 'test', tta: false, ...evaluationFromCorrectness(correctB, CLASSES) });
  const { report } = evaluationFromCorrectness(correctB, CLASSES);
  store.addEvaluation({ runId: noPreds, split: 'test', tta: false, report });
  store.finishRun(other, 'failed', 'boom');
  store.close();
  return { a, b, other, noPreds };
}

describe('fer-lab runs', () => {
  it('prints a table, JSON, and filters by status and model', async () => {
    const ids = populate();
    const t = await cli('runs');
    expect(t.code).toBe(0);
    const lines = t.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+MODEL\s+STATUS\s+EPOCHS\s+BEST VAL %\s+TEST %\s+DATASET/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(new RegExp(`^${ids.noPreds}\\s+alexnet\\s+queued`));
    expect(t.stdout).toMatch(new RegExp(`${ids.a}\\s+dcnnbea\\s+completed\\s+3\\s+75\\.00\\s+66\\.67\\s+tiny`)); // 8/12 right

    const j = await cli('runs', '--json');
    const runs = JSON.parse(j.stdout) as { id: number; status: string }[];
    expect(runs.map((r) => r.id)).toEqual([ids.noPreds, ids.other, ids.b, ids.a]);

    const completed = JSON.parse((await cli('runs', '--json', '--status', 'completed')).stdout) as { id: number }[];
    expect(completed.map((r) => r.id)).toEqual([ids.b, ids.a]);
    const vgg = JSON.parse((await cli('runs', '--json', '--model', 'vgg16')).stdout) as { id: number }[];
    expect(vgg.map((r) => r.id)).toEqual([ids.b]);

    const bad = await cli('runs', '--status', 'sleeping');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/sleeping/);
  });

  it('says so when there are no runs', async () => {
    const r = await cli('runs');
    expect(r.stdout).toBe(`no runs in ${join(home, DB_FILE)}\n`);
  });
});

describe('fer-lab compare', () => {
  it('shows metrics side by side and the McNemar p-value, matching samples by index', async () => {
    const ids = populate();
    const r = await cli('compare', String(ids.a), String(ids.b));
    expect(r.code).toBe(0);
    // accuracy A = 8/12 = 66.67 %, B = 4/12 = 33.33 %, B - A = -33.33
    expect(r.stdout).toMatch(/accuracy %\s+66\.67\s+33\.33\s+-33\.33/);
    expect(r.stdout).toMatch(/F1 very_happy %/);
    expect(r.stdout).toContain(`McNemar's test (exact binomial) on 12 samples: b = 5 (run ${ids.a} right, run ${ids.b} wrong), c = 1`);
    expect(r.stdout).toContain('p = 0.2188');

    const j = JSON.parse((await cli('compare', String(ids.a), String(ids.b), '--json')).stdout);
    expect(j.mcnemar).toMatchObject({ n: 12, b: 5, c: 1, method: 'exact-binomial' });
    expect(j.mcnemar.pValue).toBeCloseTo(0.21875, 12);
    expect(j.a.evaluation.report.accuracy).toBeCloseTo(8 / 12, 12);

    // A newer TTA evaluation of A does not replace the like-for-like default (without TTA).
    const store = RunStore.open(home);
    store.addEvaluation({ runId: ids.a, split: 'test', tta: true, ...evaluationFromCorrectness(Array(12).fill(true), CLASSES) });
    store.close();
    const again = JSON.parse((await cli('compare', String(ids.a), String(ids.b), '--json')).stdout);
    expect(again.mcnemar).toMatchObject({ b: 5, c: 1 });
    expect(again.a.evaluation.tta).toBe(false);
  });

  it('explains why McNemar is unavailable: other dataset, no predictions, no evaluation on the split', async () => {
    const ids = populate();
    const diff = await cli('compare', String(ids.a), String(ids.other));
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("McNemar's test: not available: the runs used different datasets (fingerprints fp-1 and fp-2)");
    const none = await cli('compare', String(ids.a), String(ids.noPreds));
    expect(none.stdout).toContain(`not available: run ${ids.noPreds} stored no per-sample predictions for its test evaluation`);
    const val = await cli('compare', String(ids.a), String(ids.b), '--split', 'val');
    expect(val.stdout).toContain(`not available: run ${ids.a} has no evaluation on the val split`);
    const j = JSON.parse((await cli('compare', String(ids.a), String(ids.other), '--json')).stdout);
    expect(j.mcnemar).toBeNull();
    // Only evaluations without TTA exist, so asking for TTA ones finds none.
    const tta = await cli('compare', String(ids.a), String(ids.b), '--tta');
    expect(tta.stdout).toContain(`not available: run ${ids.a} has no evaluation on the test split`);
  });

  it('rejects unknown runs and malformed ids', async () => {
    populate();
    const r = await cli('compare', '1', '999');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no run with id 999/);
    expect((await cli('compare', '1', 'abc')).stderr).toMatch(/run id must be a positive integer, got 'abc'/);
  });
});

describe('fer-lab export', () => {
  it('writes CSV: epoch metrics, an empty line, then the evaluation in long form', async () => {
    const ids = populate();
    const r = await cli('export', String(ids.a), '--format', 'csv');
    expect(r.code).toBe(0);
    const [epochs, evals] = r.stdout.split('\n\n');
    const epochLines = epochs!.split('\n');
    expect(epochLines[0]).toBe('epoch,train_loss,train_acc,val_loss,val_acc,lr,elapsed_ms,num_tensors');
    expect(epochLines.slice(1)).toEqual(['1,1,0.3,1.2,0.25,0.1,1500,99', '2,0.5,0.6,0.6,0.5,0.1,1500,99', expect.stringMatching(/^3,0\.333/)]);
    const evalLines = evals!.trim().split('\n');
    expect(evalLines[0]).toBe('split,tta,class,precision,recall,f1,support');
    expect(evalLines).toHaveLength(1 + CLASSES.length + 5);
    expect(evalLines).toContain(`test,false,accuracy,,,${8 / 12},12`);
  });

  it('writes JSON with the run, config, epochs and evaluation', async () => {
    const ids = populate();
    const x = JSON.parse((await cli('export', String(ids.a), '--format', 'json')).stdout);
    expect(x.run).toMatchObject({ id: ids.a, modelName: 'dcnnbea', status: 'completed' });
    expect(x.config).toEqual({ model: 'dcnnbea' });
    expect(x.dataset.name).toBe('tiny');
    expect(x.epochs).toHaveLength(3);
    expect(x.evaluations).toHaveLength(1);
    expect((x.evaluations[0].report.confusion as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('writes booktabs LaTeX with escaped names', async () => {
    const ids = populate();
    const tex = (await cli('export', String(ids.a), '--format', 'latex')).stdout;
    for (const cmd of ['\\begin{tabular}', '\\toprule', '\\midrule', '\\bottomrule', '\\end{table}']) expect(tex).toContain(cmd);
    expect(tex).toContain('very\\_happy & ');
    expect(tex).not.toMatch(/very_happy/);
    expect(tex).toMatch(/Accuracy & \\multicolumn\{3\}\{r\}\{66\.67\} & 12 \\\\/);
    expect(tex).toMatch(/^1 & 1\.0000 & 30\.00 & 1\.2000 & 25\.00 & 0\.100 & 1\.5 \\\\$/m);
  });

  it('writes --out, refuses to overwrite without --force, and needs a known format', async () => {
    const ids = populate();
    const file = join(home, 'run.json');
    expect((await cli('export', String(ids.a), '--format', 'json', '--out', file)).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).run.id).toBe(ids.a);
    writeFileSync(file, 'mine');
    const again = await cli('export', String(ids.a), '--format', 'json', '--out', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; use --force/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect((await cli('export', String(ids.a), '--format', 'json', '--out', file, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).run.id).toBe(ids.a);
    const badFormat = await cli('export', String(ids.a), '--format', 'xml');
    expect(badFormat.code).not.toBe(0);
    expect(badFormat.stderr).toMatch(/xml/);
  });
});

// The real entry point (bin/fer-lab.js -> main()), for exit codes and messages on bad homes.
const mainReady = existsSync(join(repoRoot, 'src-main/cli/dataset-commands.ts'));
describe.skipIf(!mainReady)('bin/fer-lab.js with bad homes (skipped while src-main/cli/main.ts cannot load)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/fer-lab.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

  it('refuses a database from a newer version, exit code non-zero, file unchanged', () => {
    const file = join(home, DB_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY)');
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.close();
    const before = readFileSync(file);
    const r = run('--home', home, 'runs');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`run database ${file} was written by a newer FER Lab`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a home that is not a writable folder', () => {
    const notDir = join(home, 'file');
    writeFileSync(notDir, 'x');
    const r = run('--home', notDir, 'runs', '--json');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/home folder .*file is not a writable folder/);
    expect(readFileSync(notDir, 'utf8')).toBe('x');
  });

  // Root ignores permission bits, so as root the check runs the CLI as 'nobody' through setpriv.
  const isRoot = process.getuid?.() === 0;
  const canDropRoot = isRoot && existsSync('/usr/bin/setpriv');
  it.skipIf(process.platform === 'win32' || (isRoot && !canDropRoot))('refuses a read-only home folder without creating anything in it', () => {
    chmodSync(home, 0o755);
    const ro = join(home, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const args = [join(repoRoot, 'bin/fer-lab.js'), '--home', ro, 'runs'];
    const r = canDropRoot
      ? spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: home } })
      : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
    chmodSync(ro, 0o755);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`FER Lab home folder ${ro} is not a writable folder`);
    expect(readdirSync(ro)).toEqual([]);
  });

  it('lists runs through the real CLI', () => {
    populate();
    const r = run('--home', home, 'runs', '--json');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(4);
  });
});
