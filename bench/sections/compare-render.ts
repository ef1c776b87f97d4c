/**
 * Time to render the Compare view for 6 runs x 300 epochs in Chromium (target < 500 ms).
 * A store is seeded directly (no training), served by the real browser-mode server, and the view
 * is opened repeatedly from the Runs view; each sample runs from the route change until the
 * curves, the six confusion matrices and the McNemar table are drawn (two animation frames later).
 * The API call alone (compare:get over HTTP) is timed as a baseline in the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../run.ts';
import { startBrowserMode } from '../../src-main/server/browser-mode.ts';
import { launchChromium, chromiumAvailable, CHROMIUM } from '../../tests/e2e/helpers/browser.ts';
import { seedDataset, seedRun } from '../../tests/unit/api/seed-runs.ts';

const RUNS = 6;
const EPOCHS = 300;
const TEST_SAMPLES = 3589;
const REPEATS = 7;
const TARGET_MS = 500;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  if (!chromiumAvailable()) return { skipped: `no Chromium at ${CHROMIUM}` };
  const staticDir = join(ctx.repoRoot, 'out', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    ctx.log('building the renderer (electron-vite build)');
    execFileSync(process.execPath, [join(ctx.repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ctx.repoRoot, stdio: 'inherit' });
  }
  const home = mkdtempSync(join(ctx.tmpDir, 'compare-render-'));
  const mode = await startBrowserMode({ home, port: 0, staticDir });
  const fp = seedDataset(mode.backend.store);
  const ids: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ids.push(
      seedRun(mode.backend.store, {
        epochs: EPOCHS,
        testSamples: TEST_SAMPLES,
        skill: 0.55 + i * 0.03,
        seed: 100 + i,
        fingerprint: fp,
        activation: i % 2 ? 'tafmn' : 'relu',
        learningRate: 0.001 * (i + 1),
        name: `run ${i + 1}`,
      }),
    );
  }
  ctx.log(`seeded ${RUNS} runs x ${EPOCHS} epochs, ${TEST_SAMPLES} test predictions each`);

  // Baseline: the API call alone.
  const apiMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${mode.server.port}/api/call/compare:get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mode.server.token}` },
      body: JSON.stringify({ runIds: ids.map(String) }),
    });
    await res.arrayBuffer();
    apiMs.push(performance.now() - t0);
  }

  const browser = await launchChromium();
  const renderMs: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${mode.server.url}#/runs`);
    await page.getByTestId('runs-table').waitFor({ timeout: 60_000 });
    const hash = `#/compare?runs=${ids.join(',')}`;
    for (let i = 0; i < REPEATS + 1; i++) {
      // A string, not a function: tsx's name-keeping helpers do not exist inside the page.
      const ms = (await page.evaluate(`new Promise((resolve, reject) => {
        const t0 = performance.now();
        location.hash = ${JSON.stringify(hash)};
        const deadline = t0 + 30000;
        const check = () => {
          const matrices = document.querySelectorAll('[data-testid="confusion-matrix"] canvas').length;
          const curves = document.querySelectorAll('[data-testid="compare-val-acc"] canvas').length;
          const mcnemar = document.querySelector('[data-testid="mcnemar-table"]');
          if (matrices === ${RUNS} && curves === 1 && mcnemar) {
            // Two frames: the charts' first paint has happened.
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
          } else if (performance.now() > deadline) reject(new Error('Compare did not render: ' + matrices + ' matrices, ' + curves + ' curves'));
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      })`)) as number;
      // The first visit loads the view's code chunk; it is reported, not counted in the median.
      renderMs.push(ms);
      await page.evaluate(`location.hash = '#/runs'`);
      await page.getByTestId('runs-table').waitFor();
    }
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.getByTestId('mcnemar-table').waitFor();
    await page.screenshot({ path: join(ctx.tmpDir, 'compare-render.png'), fullPage: true });
  } finally {
    await browser.close();
    await mode.close();
  }
  const warm = renderMs.slice(1);
  const result = {
    runs: RUNS,
    epochsPerRun: EPOCHS,
    testSamplesPerRun: TEST_SAMPLES,
    repeats: REPEATS,
    firstVisitMs: Math.round(renderMs[0] as number),
    renderMedianMs: Math.round(median(warm)),
    renderMaxMs: Math.round(Math.max(...warm)),
    renderSamplesMs: warm.map((x) => Math.round(x)),
    apiCompareGetMedianMs: Math.round(median(apiMs)),
    renderToApiRatio: Number((median(warm) / median(apiMs)).toFixed(2)),
    targetMs: TARGET_MS,
    meetsTarget: median(warm) < TARGET_MS,
  };
  ctx.log(`median ${result.renderMedianMs} ms (target < ${TARGET_MS} ms), API alone ${result.apiCompareGetMedianMs} ms`);
  return result;
}
