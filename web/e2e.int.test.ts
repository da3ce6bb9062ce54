/**
 * The dashboard end to end in Debian's chromium (playwright-core) against
 * the real stack, with the materializer and the trainer running in-process:
 * open the dashboard, inject a week and see counters and charts move without
 * a reload, train a first model from the sidebar and see the version appear
 * with its training log streaming, run a prediction, see live accuracy after
 * the next week, and reconnect by itself when the gateway restarts.
 * Screenshots go to .stack/artifacts/screenshots (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, pageOf, openDashboard } from './test/browser.js';
import { withOverrides } from '../lib/config.js';
import { eventually } from '../lib/testing.js';
import { startMaterializer, type Materializer } from '../consumers/materializer/main.js';
import { startTrainer, type TrainerService } from '../trainer/service/trainer-service.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { setUp, SIM, TOKEN, type Fixture } from '../gateway/test/fixture.js';
import { generateWeek } from '../domain/simulation/generator.js';

const fmt = (n: number) => n.toLocaleString('en-US');
import { createClickhouse, rows } from '../lib/clickhouse/client.js';

const SHOTS = join(process.cwd(), '.stack', 'artifacts', 'screenshots');

let f: Fixture;
let mat: Materializer;
let trainer: TrainerService;
let gw: Gateway;
let browser: Browser;
let page: Page;

const text = (id: string) => page.getByTestId(id).innerText();
const points = async (id: string) => Number((await page.getByTestId(id).getAttribute('data-points')) ?? 0);
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const view = async (id: string) => {
  await page.getByTestId(`nav-${id}`).click();
  await page.waitForURL(new RegExp(`#/${id}$`));
};

describe('dashboard in chromium', { timeout: 420_000 }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    f = await setUp('e2e', { patch: (d) => ((d.materializer.batchMs = 100), (d.trainer.holdoutWeeks = 8)) });
    mat = await startMaterializer(f.cfg);
    const ch = createClickhouse(f.cfg);
    assert.ok(
      await eventually(async () => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${f.cfg.clickhouse.database}.sales_weekly`))[0]?.n) >= f.events.length, 60_000, 200),
      'history materialized',
    );
    await ch.close();
    trainer = await startTrainer(f.cfg, { groupPrefix: `trainer-${f.cfg.clickhouse.database}`, schedule: false, threshold: false });
    gw = await startGateway(f.cfg, { tickMs: 500 });
    browser = await launchChromium();
    page = await pageOf(browser, { viewport: { width: 1440, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await trainer?.stop();
    await mat?.stop();
    await f?.cleanup();
  });

  it('opens the dashboard: live, with the series and latest week from the log', async () => {
    await openDashboard(page, gw.url);
    assert.equal(await text('latest-week'), '2011-08-12');
    assert.equal(await text('series-count'), String(f.series.size));
    assert.equal(await text('serving-version'), 'no model');
    await page.getByTestId('rows-count').filter({ hasText: fmt(f.events.length) }).waitFor({ timeout: 15_000 });
    await shot('01-status-before');
  });

  it('"Inject next week" asks for the token, then counters and charts update without a reload', async () => {
    const before = await points('chart-events');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.getByTestId('inject-next-week').click();
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('token-ok').click();
    await page.getByTestId('toast').filter({ hasText: 'Injected week 2011-08-19' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('latest-week').filter({ hasText: '2011-08-19' }).waitFor({ timeout: 20_000 });
    const next = generateWeek(SIM, SIM.weeks).length;
    await page.getByTestId('rows-count').filter({ hasText: fmt(f.events.length + next) }).waitFor({ timeout: 20_000 });
    assert.ok(await eventually(async () => (await points('chart-events')) > before, 10_000), 'the events chart received new points');
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'no reload happened');
    await shot('02-status-after-inject');
  });

  it('"Train now" streams the training log and the new version appears in Models', async () => {
    await view('training');
    await page.getByTestId('train-now').click();
    await page.getByTestId('toast').filter({ hasText: 'Training requested' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('training-log').filter({ hasText: 'started' }).waitFor({ timeout: 60_000 });
    await view('models');
    await page.getByTestId('model-row-1').waitFor({ timeout: 180_000 });
    assert.match(await page.getByTestId('model-row-1').innerText(), /champion/);
    await page.getByTestId('serving-version').filter({ hasText: 'v1' }).waitFor({ timeout: 60_000 });
    await shot('03-models');
    await view('training');
    const log = await text('training-log');
    assert.match(log, /request .* \(manual, by gateway:/);
    assert.match(log, /run v1 promoted/);
    assert.match(log, /gateway serving v1/);
    // the in-process trainer's lines reach this gateway by its diagnostics channel and by training.log: shown once
    const rounds = log.split('\n').flatMap((l) => /(round \d+\/\d+.*)$/.exec(l)?.[1] ?? []);
    assert.ok(rounds.length > 0, 'XGBoost rounds streamed');
    assert.equal(new Set(rounds).size, rounds.length, `no line twice: ${rounds.join(' | ')}`);
    await shot('04-training-log');
  });

  it('runs a prediction and shows it beside the actual', async () => {
    await view('predict');
    await page.getByTestId('pick-store').selectOption('2');
    await page.getByTestId('pick-dept').selectOption('3');
    await page.getByTestId('predict-week').fill('2011-06-03');
    await page.getByTestId('predict-submit').click();
    await page.getByTestId('predict-version').filter({ hasText: 'v1' }).waitFor({ timeout: 10_000 });
    const actual = f.events.find((e) => e.store === 2 && e.dept === 3 && e.week === '2011-06-03')!.weeklySales;
    const shown = Number((await text('predict-actual')).replace(/,/g, ''));
    assert.ok(Math.abs(shown - actual) < 0.01, `actual ${shown} vs ${actual}`);
    const forecast = Number((await text('predict-forecast')).replace(/,/g, ''));
    assert.ok(forecast > 0);
    // the run calibrated conformal intervals on its holdout: 95% contains 80%, which contains the forecast
    const bounds = async (id: string) => (await text(id)).split('–').map((x) => Number(x.trim().replace(/,/g, '')));
    const [lo80, hi80] = await bounds('predict-interval-80');
    const [lo95, hi95] = await bounds('predict-interval-95');
    assert.ok(lo95! <= lo80! && lo80! < forecast && forecast < hi80! && hi80! <= hi95!, `${lo95} ${lo80} ${forecast} ${hi80} ${hi95}`);
    await page.getByTestId('predict-band-80').waitFor({ timeout: 5_000 });
    await page.getByTestId('predict-band-95').waitFor({ timeout: 5_000 });
    await page.getByTestId('predict-week').fill('2011-08-26');
    await page.getByTestId('predict-submit').click();
    await page.getByTestId('predict-actual').filter({ hasText: 'not known yet' }).waitFor({ timeout: 10_000 });
    await shot('05-predict');
  });

  it('live accuracy appears for v1 once the next week arrives', async () => {
    await view('performance');
    await page.getByTestId('inject-next-week').click();
    await page.getByTestId('latest-week').filter({ hasText: '2011-08-26' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('live-accuracy').filter({ hasText: 'v1' }).waitFor({ timeout: 30_000 });
    assert.ok((await points('chart-live-accuracy')) >= 1);
    assert.ok((await points('chart-series')) > 50, 'actual vs predicted drawn');
    assert.equal(await page.getByTestId('chart-series').getAttribute('data-bands'), '2', '80% and 95% bands drawn');
    await shot('06-performance');
  });

  it('a second run appears; two versions compare side by side; promote and roll back from the Models view', async () => {
    await page.getByTestId('train-now').click();
    await view('models');
    // settled: a promoted run shows "candidate" until its promotion event is folded too
    await page.getByTestId('model-row-2').filter({ hasText: /champion|rejected|failed/ }).waitFor({ timeout: 180_000 });
    await page.getByRole('checkbox', { name: 'compare v1' }).check();
    await page.getByRole('checkbox', { name: 'compare v2' }).check();
    const compare = page.getByTestId('compare');
    await compare.waitFor();
    assert.match(await compare.innerText(), /v[12] vs v[12]/);
    assert.match(await compare.innerText(), /model: WAPE · WMAE · RMSE\t\d+\.\d+%/);
    await shot('07-models-compare');
    // whichever version is not the champion gets promoted by hand, then the rollback returns to the other
    const champion = (await page.getByTestId('model-row-1').innerText()).includes('champion') ? 1 : 2;
    const other = champion === 1 ? 2 : 1;
    await page.getByTestId('serving-version').filter({ hasText: `v${champion}` }).waitFor({ timeout: 60_000 });
    await page.getByTestId(`promote-${other}`).click();
    // the served version comes with a tick, the stages with their own message: wait for each
    await page.getByTestId('serving-version').filter({ hasText: `v${other}` }).waitFor({ timeout: 60_000 });
    await page.getByTestId(`model-row-${other}`).filter({ hasText: 'champion' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('rollback').click();
    await page.getByTestId('serving-version').filter({ hasText: `v${champion}` }).waitFor({ timeout: 60_000 });
    await page.getByTestId(`model-row-${champion}`).filter({ hasText: 'champion' }).waitFor({ timeout: 10_000 });
  });

  it('reconnects by itself when the gateway restarts', async () => {
    await view('status');
    const port = new URL(gw.url).port;
    await gw.close();
    await page.getByTestId('connection').filter({ hasText: 'reconnecting' }).waitFor({ timeout: 15_000 });
    gw = await startGateway(withOverrides(f.cfg, (d) => (d.gateway.port = Number(port))), { tickMs: 500 });
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('serving-version').filter({ hasText: /v[12]/ }).waitFor({ timeout: 30_000 });
    assert.equal(await text('latest-week'), '2011-08-26');
    await shot('08-status-reconnected');
  });
});
