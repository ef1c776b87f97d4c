import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommandGroup, type CliResult } from '../../helpers/cli-in-process.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerExperimentCommands } from '../../../src-main/cli/experiment-commands.ts';
import { RunStore } from '../../../src-main/store/run-store.ts';
import { populateRun, tempHome } from '../store/helpers.ts';

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

function cli(homeDir: string, ...args: string[]): Promise<CliResult> {
  return runCommandGroup(registerExperimentCommands, homeDir, args);
}

describe('fer-lab queue / experiment / sweep / export-run / import-run', () => {
  it('queues configs, reorders and removes them, and refuses a config without a dataset', async () => {
    const a = join(home, 'a.json');
    const b = join(home, 'b.json');
    writeFileSync(a, JSON.stringify({ model: 'alexnet', name: 'first' }));
    writeFileSync(b, JSON.stringify({ model: 'vgg16', name: 'second', training: { batchSize: 8 } }));
    expect((await cli(home, 'queue', 'add', a)).stderr).toMatch(/no dataset; set data.path/);
    expect((await cli(home, 'queue', 'add', a, b, '--data', '/d')).stdout).toBe('queued item 1: first\nqueued item 2: second\n');
    const moved = await cli(home, 'queue', 'move', '2', '1');
    expect(moved.stdout.split('\n').slice(1, 3)).toEqual([expect.stringMatching(/^1\s+2\s+pending\s+-\s+second/), expect.stringMatching(/^2\s+1\s+pending\s+-\s+first/)]);
    expect((await cli(home, 'queue', 'remove', '1')).stdout).toBe('removed queue item 1\n');
    const list = JSON.parse((await cli(home, 'queue', 'list', '--json')).stdout) as { label: string; config: { data: { path: string } } }[];
    expect(list.map((i) => i.label)).toEqual(['second']);
    expect(list[0]!.config.data.path).toBe('/d');
    expect((await cli(home, 'queue', 'move', 'x', '1')).stderr).toMatch(/queue item id must be a positive integer/);
  });

  it('prints the paper configurations with --dry-run without queueing, then queues them', async () => {
    const dry = await cli(home, 'experiment', 'paper', '--dry-run', '--data', '/d');
    expect(dry.code).toBe(0);
    for (const m of ['alexnet', 'vgg16', 'vgg19', 'resnet152', 'dcnnbea', 'dcnnbea-tafmn']) expect(dry.stdout).toContain(m);
    expect(dry.stdout).toMatch(/dcnnbea-tafmn\s+dcnnbea\s+270\s+256\s+adadelta lr 1\s+68\.4/);
    expect(existsSync(join(home, 'runs.db'))).toBe(false);
    expect((await cli(home, 'experiment', 'paper')).stderr).toMatch(/needs a dataset/);
    const q = await cli(home, 'experiment', 'paper', '--data', '/d', '--stand-in', 'tiny');
    expect(q.stdout).toMatch(/queued paper experiment 1: 1 Paper: AlexNet \(stand-in\);/);
    const r = await cli(home, 'experiment', 'results');
    expect(r.stdout).toMatch(/STAND-IN/);
    expect(r.stdout).toMatch(/ResNet-152\s+48\.7\s+-\s+-\s+-\s+pending/);
  });

  it('expands a sweep (dry run), queues it and refuses an index outside it', async () => {
    const spec = join(home, 'sweep.json');
    writeFileSync(spec, JSON.stringify({ name: 'bs', method: 'grid', base: { model: 'vgg-fer', data: { path: '/d' } }, params: { 'training.batchSize': { values: [8, 16] } } }));
    expect((await cli(home, 'sweep', 'queue', spec, '--dry-run')).stdout).toMatch(/0\s+bs #1 \(batchSize=8\)\n1\s+bs #2 \(batchSize=16\)/);
    expect((await cli(home, 'sweep', 'queue', spec)).stdout).toMatch(/queued sweep 1 \(bs\): 2 trial\(s\)/);
    expect((await cli(home, 'sweep', 'rank', '1')).stdout).toMatch(/ranked by test_accuracy/);
    expect((await cli(home, 'sweep', 'trial', spec, '--index', '5')).stderr).toMatch(/--index 5 is out of range: the sweep has 2 trial\(s\) \(0..1\)/);
  });

  it('exports a run and imports it into another home, refusing it the second time', async () => {
    const store = RunStore.open(home, { isAlive: () => false });
    store.upsertDataset({ fingerprint: 'fp', name: 'd', source: '/d', format: 'x', classNames: ['a', 'b', 'c'], counts: {} });
    const id = populateRun(store, 'fp');
    store.finishRun(id, 'completed');
    const best = join(store.runDir(id), 'best');
    store.close();
    const file = join(home, 'r.ferrun');
    // The best checkpoint is recorded but its folder is missing: export refuses rather than drop it.
    expect((await cli(home, 'export-run', String(id), file)).stderr).toMatch(/best checkpoint is recorded but missing/);
    mkdirSync(best, { recursive: true });
    writeFileSync(join(best, 'state.json'), '{"version":1,"epoch":3}');
    expect((await cli(home, 'export-run', String(id), file)).stdout).toMatch(/exported run 1 to .*r\.ferrun \(\d+ files/);
    const other = tempHome();
    try {
      expect((await cli(other.home, 'import-run', file)).stdout).toMatch(/as run 1 \(run 1 where it was exported\)/);
      const again = await cli(other.home, 'import-run', file);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already in/);
    } finally {
      other.cleanup();
    }
  });
});
