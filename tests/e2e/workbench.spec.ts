/**
 * The workbench end to end, in Chromium against `fer-lab serve` (real engine, real SQLite, tiny
 * models on a generated Kaggle-layout dataset): import -> class chart; train a run and watch the live
 * chart gain points; stop a second run; compare the two (parameter diff, two confusion matrices,
 * McNemar p-value); export the LaTeX table. Screenshots of each view go to test-results/e2e/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeKaggleFolder, tempDir } from '../helpers/dataset-fixtures.ts';
import { chromiumAvailable, launchChromium, CHROMIUM } from './helpers/browser.ts';
import { repoRoot, startServe, type Served } from './helpers/serve.ts';

const shots = join(repoRoot, 'test-results', 'e2e');
const haveChromium = chromiumAvailable();
if (!haveChromium) console.warn(`[e2e] skipped: no Chromium at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`);

async function chartPoints(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-points'));
}

/** Fills the schema-generated form: tiny input and width so the CPU backend trains in seconds. */
async function fillTinyConfig(page: Page, epochs: number): Promise<void> {
  const set = async (id: string, value: string): Promise<void> => {
    const input = page.locator(`#${id}`);
    await input.fill(value);
    await input.press('Tab');
  };
  await set('cfg-modelConfig-inputSize', '16');
  await set('cfg-modelConfig-widthMultiplier', '0.0625');
  await set('cfg-modelConfig-dropout', '0');
  await set('cfg-training-epochs', String(epochs));
  await set('cfg-training-batchSize', '8');
  // Augmentation costs time on the CPU backend and is not what this test is about.
  await page.locator('#cfg-data-augmentation-enabled').uncheck();
}

describe.skipIf(!haveChromium)('workbench in the browser (fer-lab serve)', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    dataDir = tempDir('fer-e2e-data-');
    await makeKaggleFolder(dataDir, { perClass: 6, testPerClass: 4, size: 48 });
    served = await startServe();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) pageErrors.push(`HTTP ${res.status()} ${res.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('imports, trains, stops, compares and exports', async () => {
    // --- Datasets: empty state, then import with the path field (browser mode has no native dialog).
    await page.goto(served.url);
    await expect.poll(() => page.getByTestId('state-empty').count()).toBeGreaterThan(0);
    // A wrong path gets an error that names it, and nothing is imported.
    await page.locator('#dataset-path').fill(join(dataDir, 'no-such-folder'));
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('state-error').innerText()).toContain('no-such-folder');
    await page.locator('#dataset-path').fill(dataDir);
    await page.getByTestId('import-button').click();
    const chart = page.getByTestId('class-chart');
    await chart.waitFor({ timeout: 60_000 });
    await page.getByTestId('sample-grid').locator('canvas').first().waitFor();
    expect(await chart.getAttribute('aria-label')).toContain('angry: train');
    expect(await chart.locator('canvas').count()).toBe(1);
    // PublicTest_ files become val, PrivateTest_ files test: 2 of each per class.
    await expect.poll(async () => page.locator('.fact-list').innerText()).toMatch(/train\s+42\s+val\s+14\s+test\s+14/);
    await page.screenshot({ path: join(shots, '1-datasets.png'), fullPage: true });

    // --- Keyboard: from the skip link, Tab walks the main navigation; Enter follows a link.
    await page.locator('a.skip').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Datasets');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Train');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain('#/train');

    // --- Train run 1 to completion, watching the live chart grow while it runs.
    await page.getByTestId('train-form').waitFor();
    await page.locator('#train-name').fill('tiny-a');
    await fillTinyConfig(page, 2);
    await page.getByTestId('start-button').click();
    await page.getByTestId('run-monitor').waitFor();
    await expect.poll(() => chartPoints(page, 'loss-chart'), { timeout: 120_000, interval: 200 }).toBeGreaterThan(0);
    const early = await chartPoints(page, 'loss-chart');
    await expect.poll(() => chartPoints(page, 'loss-chart'), { timeout: 120_000, interval: 200 }).toBeGreaterThan(early);
    const monitorStatus = () => page.getByTestId('run-monitor').getAttribute('data-status');
    expect(await monitorStatus()).toBe('running');
    await page.getByTestId('backend-badge').waitFor();
    await page.screenshot({ path: join(shots, '2-train-live.png'), fullPage: true });
    await expect.poll(monitorStatus, { timeout: 180_000 }).toBe('completed');
    // The test evaluation runs after training; the log says when it is done.
    await expect.poll(() => page.getByTestId('run-log').innerText(), { timeout: 120_000 }).toMatch(/test evaluation: accuracy/);

    // --- Run 2: start, let one epoch finish (so there is a checkpoint), pause, resume, then stop it.
    await page.locator('#train-name').fill('tiny-b');
    await page.locator('#cfg-training-epochs').fill('40');
    await page.locator('#cfg-training-epochs').press('Tab');
    await page.locator('#cfg-modelConfig-activation').selectOption('tafmn');
    await page.getByTestId('start-button').click();
    await expect.poll(() => page.getByTestId('run-log').innerText(), { timeout: 120_000 }).toMatch(/epoch 1\/40/);
    // Pause holds the worker between batches; resume continues it.
    await page.getByTestId('pause-button').click();
    await expect.poll(monitorStatus, { timeout: 60_000 }).toBe('paused');
    await page.getByTestId('resume-button').click();
    await expect.poll(monitorStatus, { timeout: 60_000 }).toBe('running');
    await page.getByTestId('stop-button').click();
    await expect.poll(monitorStatus, { timeout: 120_000 }).toBe('stopped');
    await expect.poll(() => page.getByTestId('run-log').innerText(), { timeout: 120_000 }).toMatch(/test evaluation: accuracy/);

    // --- Runs: both listed with their final status; select both and compare.
    await page.getByRole('link', { name: 'Runs' }).click();
    const table = page.getByTestId('runs-table');
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr[data-run-id]').count()).toBe(2);
    expect(await table.locator('tr[data-status="completed"]').count()).toBe(1);
    expect(await table.locator('tr[data-status="stopped"]').count()).toBe(1);
    await page.screenshot({ path: join(shots, '3-runs.png'), fullPage: true });
    for (const box of await table.locator('tbody input[type="checkbox"]').all()) await box.check();
    await page.getByTestId('compare-button').click();

    // --- Compare: parameter diff, two confusion matrices, McNemar p-value.
    const diff = page.getByTestId('param-diff');
    await diff.waitFor({ timeout: 60_000 });
    const diffText = await diff.innerText();
    expect(diffText).toContain('training.epochs');
    expect(diffText).toContain('modelConfig.activation.kind');
    // Only differing fields by default: a shared field such as the seed is hidden.
    expect(diffText).not.toContain('seed');
    expect(await page.getByTestId('confusion-matrix').count()).toBe(2);
    for (const m of await page.getByTestId('confusion-matrix').all()) expect(Number(await m.getAttribute('data-total'))).toBe(14);
    const p = await page.getByTestId('mcnemar-p').first().innerText();
    const pNum = Number(p.split(' ')[0]);
    expect(pNum).toBeGreaterThanOrEqual(0);
    expect(pNum).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(shots, '4-compare.png'), fullPage: true });

    // --- Export the LaTeX table and check its content.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-latex').click()]);
    expect(download.suggestedFilename()).toMatch(/\.tex$/);
    const tex = readFileSync(await download.path(), 'utf8');
    expect(tex).toContain('\\begin{tabular}');
    expect(tex).toContain('tiny-a');
    expect(tex).toContain('tiny-b');
    expect(tex).toMatch(/test acc \(\\%\) & (\\textbf\{)?\d+\.\d\d/);
    expect(tex).toContain('McNemar');
    expect(tex).toContain('\\textbf{');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csvText = readFileSync(await csv.path(), 'utf8');
    expect(csvText.split('\n')[0]).toMatch(/^section,field,tiny-[ab] \(#\d\),tiny-[ab] \(#\d\)$/);
    expect(csvText).toContain('param,modelConfig.activation.kind');
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    expect(png.suggestedFilename()).toMatch(/^compare-.+\.png$/);
    expect(readFileSync(await png.path()).subarray(1, 4).toString('latin1')).toBe('PNG');

    // --- Run detail: curves, evaluation, confusion matrix, misclassified faces.
    await page.getByRole('link', { name: 'tiny-a' }).first().click();
    await page.getByTestId('run-curves').waitFor();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 60_000 });
    await page.getByTestId('misclassified').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, '5-run-detail.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
  });
});
