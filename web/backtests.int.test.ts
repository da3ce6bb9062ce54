/**
 * The Backtests view in Debian's chromium (playwright-core) against the real
 * stack: a tiny real backtest (2 cut-offs, h = 1..2) and a failed one are
 * listed with status, cut-offs, horizon, refit and WAPE per method; the
 * finished one is charted by horizon and links to its report. The dashboard
 * is built from the current sources into a temporary folder first, so the
 * test never runs against a stale web/dist. Screenshot in
 * .stack/artifacts/screenshots/09-backtests.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, pageOf, buildDashboard } from './test/browser.js';
import { createLogger } from '../lib/log.js';
import { parseRequest, runBacktest, type BacktestResult } from '../trainer/backtest/index.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { setUp, type Fixture } from '../gateway/test/fixture.js';

const SHOTS = join(process.cwd(), '.stack', 'artifacts', 'screenshots');
const FAILED = 'bt-20300101-000000-00000f';
const tmp = mkdtempSync(join(tmpdir(), 'web-backtests-'));

let f: Fixture;
let gw: Gateway;
let bt: BacktestResult;
let browser: Browser;
let page: Page;

describe('Backtests view in chromium', { timeout: 240_000 }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('bt-web', { patch: (d) => (d.stackDir = join(tmp, 'stack')) });
    const log = createLogger('backtest-test');
    bt = await runBacktest(f.cfg, parseRequest({ cutoffs: 2, horizon: 2, refitEvery: 2, params: { rounds: 20, nthread: 1 }, reason: 'browser test' }, 4), { log });
    await assert.rejects(runBacktest(f.cfg, parseRequest({ from: '2030-01-04', to: '2030-02-01' }, 4), { log, id: FAILED }));
    gw = await startGateway(f.cfg, { webDir });
    browser = await launchChromium();
    page = await pageOf(browser, { viewport: { width: 1440, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the backtests, charts the finished one by horizon and links to its report', async () => {
    await page.goto(gw.url);
    await page.getByTestId('nav-backtests').click();
    await page.waitForURL(/#\/backtests$/);
    const row = page.getByTestId(`backtest-row-${bt.id}`);
    await row.waitFor({ timeout: 15_000 });
    const cells = (await row.innerText()).split('\t').map((s) => s.trim());
    assert.equal(cells[0], bt.id);
    assert.equal(cells[1], 'finished');
    assert.equal(cells[3], `2: ${bt.cutoffs[0]} … ${bt.cutoffs[1]}`);
    assert.equal(cells[4], '2', 'horizon');
    assert.equal(cells[5], '2', 'refit every');
    assert.equal(cells[7], `${(bt.metrics.overall.model!.wape * 100).toFixed(2)}%`, 'the model WAPE');
    assert.equal(cells[9], `${(bt.metrics.overall.lastValue!.wape * 100).toFixed(2)}%`, 'the last-value WAPE');
    assert.match(await page.getByTestId(`backtest-row-${FAILED}`).innerText(), /failed/);

    const detail = page.getByTestId('backtest-detail');
    await detail.filter({ hasText: `${bt.id}: WAPE by horizon` }).waitFor({ timeout: 10_000 });
    // the chart sets data-points in an effect after it draws, a moment after the heading renders
    await page.locator('[data-testid="chart-backtest-horizon"][data-points]').waitFor({ timeout: 10_000 });
    const points = await page.getByTestId('chart-backtest-horizon').getAttribute('data-points');
    assert.equal(points, '2', 'one point per horizon');
    const legend = await detail.locator('.u-legend').innerText();
    for (const label of ['model', 'seasonal naive', 'last value', '4-week mean']) assert.ok(legend.includes(label), `legend has ${label}: ${legend}`);

    const href = await page.getByTestId('backtest-report-link').getAttribute('href');
    assert.equal(href, `/v1/backtests/${bt.id}/report`);
    const report = await page.request.get(`${gw.url}${href}`);
    assert.equal(report.status(), 200);
    assert.ok((await report.text()).includes(bt.id));
    await page.screenshot({ path: join(SHOTS, '09-backtests.png'), fullPage: true });
  });

  it('the failed backtest shows why, and has no report link', async () => {
    await page.getByTestId(`backtest-row-${FAILED}`).click();
    const detail = page.getByTestId('backtest-detail');
    await detail.filter({ hasText: FAILED }).waitFor({ timeout: 10_000 });
    assert.match(await detail.innerText(), /BACKTEST_DATA: /);
    assert.equal(await page.getByTestId('backtest-report-link').count(), 0);
  });
});
