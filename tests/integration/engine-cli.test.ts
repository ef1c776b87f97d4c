/**
 * `fer-lab train / resume / eval` on bad input: a clear message, a non-zero exit code, and nothing
 * created or changed (no home folder, no database, no run rows).
 */
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../src-main/store/run-store.ts';
import { buildRawConfig } from '../../src-main/cli/train-commands.ts';
import { runCli, tempHome, writeSyntheticCsv } from './engine-helpers.ts';

const root = tempHome('fer-cli-');
const csv = writeSyntheticCsv(root, [2, 1, 1]);
const tiny = ['--input-size', '16', '--width-multiplier', '0.0625', '--backend', 'cpu'];

afterAll(() => rmSync(root, { recursive: true, force: true }));

function freshHome(name: string): string {
  return join(root, name);
}

describe('fer-lab train: bad input', () => {
  it('unknown model: named, exit 1, no home created', async () => {
    const home = freshHome('h-model');
    const r = await runCli(['--home', home, 'train', '--data', csv, '--model', 'nonet', ...tiny]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown model "nonet"');
    expect(existsSync(home)).toBe(false);
  });

  it('unknown option: rejected by the parser', async () => {
    const home = freshHome('h-option');
    const r = await runCli(['--home', home, 'train', '--data', csv, '--model', 'alexnet', '--epochz', '3']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown option '--epochz'");
    expect(existsSync(home)).toBe(false);
  });

  it('invalid and unknown config-file fields are named', async () => {
    const home = freshHome('h-config');
    const file = join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ model: 'alexnet', training: { batchSize: 0, optimizer: { type: 'adam', beta3: 1 } } }));
    const r = await runCli(['--home', home, 'train', '--data', csv, '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('training.batchSize');
    expect(r.stderr).toContain('training.optimizer.beta3: unknown option');
    const bad = join(root, 'bad-model.json');
    writeFileSync(bad, JSON.stringify({ model: 'alexnet', modelConfig: { widthMultiplier: -1 } }));
    const r2 = await runCli(['--home', home, 'train', '--data', csv, '--config', bad]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('modelConfig.widthMultiplier');
    const notJson = join(root, 'not.json');
    writeFileSync(notJson, '{ model: ');
    const r3 = await runCli(['--home', home, 'train', '--data', csv, '--config', notJson]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(`config file ${notJson} is not valid JSON`);
    expect(existsSync(home)).toBe(false);
  });

  it('unreadable data path: named, no run created', async () => {
    const home = freshHome('h-data');
    const missing = join(root, 'no-such-dataset');
    const r = await runCli(['--home', home, 'train', '--data', missing, '--model', 'alexnet', ...tiny]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(missing);
    const store = RunStore.open(home);
    expect(store.listRuns()).toEqual([]);
    store.close();
    expect(existsSync(join(home, 'runs'))).toBe(false);
  });

  it('a home that is not a writable folder: clear error, the file left as it was', async () => {
    const home = join(root, 'home-is-a-file');
    writeFileSync(home, 'precious');
    const r = await runCli(['--home', home, 'train', '--data', csv, '--model', 'alexnet', ...tiny]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(home);
    expect(r.stderr).toMatch(/not a writable folder/);
    expect(readFileSync(home, 'utf8')).toBe('precious');
  });

  it('a database from a newer FER Lab: refused and left byte-for-byte unchanged', async () => {
    const home = freshHome('h-newer');
    mkdirSync(home);
    const file = join(home, 'runs.db');
    const db = new Database(file);
    db.pragma('application_id = 1178948172');
    db.pragma('user_version = 999');
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = readFileSync(file);
    for (const args of [
      ['train', '--data', csv, '--model', 'alexnet', ...tiny],
      ['resume', '1'],
      ['eval', '1'],
    ]) {
      const r = await runCli(['--home', home, ...args]);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toContain('newer FER Lab');
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(home).sort()).toEqual(['runs.db']);
  });

  it('resume / eval of an unknown run, bad run ids and splits', async () => {
    const home = freshHome('h-runs');
    expect((await runCli(['--home', home, 'resume', '42'])).stderr).toContain('no run with id 42');
    expect((await runCli(['--home', home, 'eval', '42'])).code).toBe(1);
    expect((await runCli(['--home', home, 'eval', 'abc'])).code).not.toBe(0);
    expect((await runCli(['--home', home, 'eval', '1', '--split', 'holdout'])).code).not.toBe(0);
  });
});

describe('config assembly from flags', () => {
  it('flags override the file; switching optimiser type drops the old fields', () => {
    const file = join(root, 'base.json');
    writeFileSync(file, JSON.stringify({ model: 'vgg-fer', training: { epochs: 5, optimizer: { type: 'sgd', momentum: 0.5 } }, data: { path: 'data.csv' } }));
    const raw = buildRawConfig({ config: file, epochs: 2, optimizer: 'adam', lr: 0.01, augment: false });
    expect(raw).toMatchObject({
      model: 'vgg-fer',
      training: { epochs: 2, optimizer: { type: 'adam', learningRate: 0.01 } },
      data: { path: join(root, 'data.csv'), augmentation: { enabled: false } },
    });
    expect((raw.training as { optimizer: Record<string, unknown> }).optimizer.momentum).toBeUndefined();
  });
});
