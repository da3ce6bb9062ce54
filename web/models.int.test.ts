/**
 * The Models view in Debian's chromium (playwright-core) against the real
 * stack: three versions (one older run without curves, two with) compared on
 * one curves chart with their feature importance, a tag and a description
 * edited and read back after a reload (events on the log), an alias set and
 * served by the gateway, and the ONNX artifact downloaded with its hash.
 * The screenshot of the view is committed as docs/models-view.png.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, pageOf } from './test/browser.js';
import { sha256Hex } from '../lib/kafka/artifacts.js';
import type { TrainResult } from '../trainer/run/xgboost.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { call, publishModel, publishRecordedRun, setUp, trainModel, TOKEN, type Fixture } from '../gateway/test/fixture.js';


let f: Fixture;
let gw: Gateway;
let browser: Browser;
let page: Page;
const fits = new Map<number, TrainResult>();

describe('Models view in chromium', { timeout: 300_000 }, () => {
  before(async () => {
    f = await setUp('models-view');
    await publishModel(f, 1, await trainModel(f.series));
    for (const [v, params] of [[2, { rounds: 30 }], [3, { rounds: 80, maxDepth: 6, eta: 0.1 }]] as const) {
      const { fit } = await publishRecordedRun(f, v, params);
      fits.set(v, fit!);
    }
    gw = await startGateway(f.cfg);
    browser = await launchChromium();
    page = await pageOf(browser, { viewport: { width: 1440, height: 1300 }, acceptDownloads: true });
    await page.goto(`${gw.url}/#/models`);
    await page.getByTestId('model-row-3').waitFor({ timeout: 20_000 });
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
  });

  it('compares three versions on one curves chart, with importance bars for each', async () => {
    for (const v of [1, 2, 3]) await page.getByRole('checkbox', { name: `compare v${v}` }).check();
    const compare = page.getByTestId('compare');
    await compare.getByRole('heading', { name: 'v1 vs v2 vs v3' }).waitFor({ timeout: 10_000 });
    const chart = page.getByTestId('chart-curves');
    await chart.waitFor({ timeout: 10_000 });
    const rounds = Math.max(fits.get(2)!.curves.totalRounds, fits.get(3)!.curves.totalRounds);
    await page.waitForFunction((n) => document.querySelector('[data-testid="chart-curves"]')?.getAttribute('data-points') === String(n), rounds, { timeout: 10_000 });
    const legend = await chart.locator('.u-legend').innerText();
    for (const label of ['v2 valid', 'v3 valid', 'v2 train', 'v3 train']) assert.ok(legend.includes(label), `legend has ${label}: ${legend}`);
    const runs = await page.getByTestId('curve-runs').innerText();
    assert.match(runs, /v1: no curves/);
    assert.ok(runs.includes(`v3: best round ${fits.get(3)!.curves.bestRound} of ${fits.get(3)!.curves.totalRounds}`), runs);
    assert.equal(await page.getByTestId('compare-table').locator('thead th').count(), 4, 'one column per version');
    const bars = page.getByTestId('importance').locator('.imp-row');
    assert.ok((await bars.count()) >= 5, 'importance rows');
    assert.equal(await bars.first().locator('.imp-bar').count(), 3, 'one bar per version');
    const top = fits.get(3)!.importance[0]!.feature;
    await page.getByTestId(`importance-${top}`).waitFor();
    // unticking the train split leaves the validation curves only
    await page.getByTestId('curves-train').uncheck();
    // the chart is rebuilt after the render: wait for its legend rather than read it at once
    await page.waitForFunction(() => {
      const legend = document.querySelector('[data-testid="chart-curves"] .u-legend')?.textContent ?? '';
      return legend.includes('v2 valid') && !legend.includes('v2 train');
    }, undefined, { timeout: 10_000 });
  });

  it('edits a tag and the description of v2; both come back after a reload, from the log', async () => {
    await page.getByTestId('edit-2').click();
    await page.getByTestId('tag-key').fill('team');
    await page.getByTestId('tag-value').fill('demand');
    await page.getByTestId('tag-add').click();
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('token-ok').click();
    await page.getByTestId('tag-team').waitFor({ timeout: 15_000 });
    await page.getByTestId('description').fill('deeper trees, slower eta');
    await page.getByTestId('description-save').click();
    await page.getByTestId('toast').filter({ hasText: 'v2: tags and description saved' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('model-row-2').filter({ hasText: 'team=demand' }).waitFor({ timeout: 10_000 });
    await page.reload();
    await page.getByTestId('edit-2').click();
    await page.getByTestId('tag-team').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('description').inputValue(), 'deeper trees, slower eta');
    const api = await call(gw.url, 'GET', '/v1/models/2');
    assert.deepEqual([api.body.tags, api.body.description], [{ team: 'demand' }, 'deeper trees, slower eta']);
  });

  it('points the alias "pinned" at v2; the row shows it and the gateway serves it', async () => {
    await page.getByTestId('alias-name').fill('pinned');
    await page.getByTestId('alias-set').click();
    await page.getByTestId('row-alias-2-pinned').waitFor({ timeout: 15_000 });
    await page.getByTestId('alias-pinned').waitFor();
    const p = await call(gw.url, 'POST', '/v1/predict?alias=pinned', { store: 1, dept: 1, week: '2011-08-26' });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.deepEqual([p.body.modelVersion, p.body.modelAlias], [2, 'pinned']);
  });

  it('downloads the ONNX artifact of v2 under its name, with the recorded bytes', async () => {
    const download = page.waitForEvent('download', { timeout: 15_000 });
    await page.getByTestId('download-artifact').click();
    const d = await download;
    const sha = fits.get(2)!.sha256;
    assert.equal(d.suggestedFilename(), `model-v2-${sha.slice(0, 12)}.onnx`);
    assert.equal(sha256Hex(readFileSync(await d.path())), sha);
  });

  it('the view with three versions compared (docs/models-view.png)', async () => {
    // the reload above cleared the selection: tick the three versions again (both splits are drawn by default)
    for (const v of [1, 2, 3]) await page.getByRole('checkbox', { name: `compare v${v}` }).check();
    await page.getByTestId('chart-curves').waitFor();
    assert.ok(await page.getByTestId('curves-train').isChecked());
    await page.screenshot({ path: 'docs/models-view.png', fullPage: true });
  });
});
