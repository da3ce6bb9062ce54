/**
 * The forecast chart's level picker in Debian's chromium against the real
 * stack: once the gateway published the champion's coherent forecasts (total,
 * stores, departments), picking the total and then a store draws exactly the
 * numbers the gateway serves for that node (GET /v1/series/level for the
 * summed actuals, GET /v1/forecast?level= for the forecast and its 80% / 95%
 * intervals), in light and dark, and the view passes axe.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { eventually } from '../lib/testing.js';
import { startProjector, type Projector } from '../lib/projection/projector.js';
import { FORECAST_PROJECTION } from '../domain/forecasts/io/projection.js';
import type { ConformalIntervals } from '../domain/intervals/conformal.js';
import { axeViolations, buildDashboard, launchChromium, pageOf } from './test/browser.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { call, publishModel, setUp, trainModel, type Fixture } from '../gateway/test/fixture.js';

const INTERVALS: ConformalIntervals = { method: 'conformal-relative-abs', levels: [0.8, 0.95], halfWidth: [[0.1, 0.2, 0.3, 0.4], [0.2, 0.4, 0.6, 0.8]], n: [10, 10, 10, 10] };
const tmp = mkdtempSync(join(tmpdir(), 'web-hierarchy-'));
const sec = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
let f: Fixture;
let gw: Gateway;
let projector: Projector;
let browser: Browser;

interface Point { week: string; forecast: number; intervals: { level: number; lower: number; upper: number }[] }

/** The columns the level chart holds now (uPlot's own data, not pixels). */
const chartData = (page: Page) =>
  page.evaluate(() => (document.querySelector('[data-testid="chart-level"]') as HTMLElement & { uplot: { data: (number | null)[][] } }).uplot.data.map((c) => [...c]));

/** Waits until the level chart shows `q`'s node, then checks every drawn number against the gateway's answers for it. */
async function drawsNode(page: Page, q: string): Promise<number> {
  const hist = await call(gw.url, 'GET', `/v1/series/level?${q}&weeks=104`);
  const fc = await call(gw.url, 'GET', `/v1/forecast?${q}`);
  assert.equal(hist.status, 200, JSON.stringify(hist.body));
  assert.equal(fc.status, 200, JSON.stringify(fc.body));
  const weeks: string[] = hist.body.weeks;
  const points: Point[] = fc.body.points;
  const xs = [...weeks, ...points.map((p) => p.week).filter((w) => !weeks.includes(w))].map(sec);
  const ahead = points.map((p) => p.forecast);
  // the chart moves to the node once both answers arrived: its forecast column equals the node's
  await page.waitForFunction(
    (want) => {
      const u = (document.querySelector('[data-testid="chart-level"]') as (HTMLElement & { uplot?: { data: (number | null)[][] } }) | null)?.uplot;
      return !!u && JSON.stringify(u.data[2]?.filter((v) => v != null)) === JSON.stringify(want);
    },
    ahead,
    { timeout: 15_000 },
  );
  const [x, actual, forecast, up95, lo95, up80, lo80] = await chartData(page);
  assert.deepEqual(x, xs, `${q}: the week axis is the node's history, then its forecast weeks`);
  assert.deepEqual(actual!.slice(0, weeks.length), hist.body.actual, `${q}: the actuals are the summed actuals the gateway serves`);
  const at = (w: string) => xs.indexOf(sec(w));
  for (const p of points) {
    const i = at(p.week);
    const b = (level: number) => p.intervals.find((iv) => iv.level === level)!;
    assert.equal(forecast![i], p.forecast, `${q} ${p.week} forecast`);
    assert.deepEqual([lo95![i], up95![i], lo80![i], up80![i]], [b(0.95).lower, b(0.95).upper, b(0.8).lower, b(0.8).upper], `${q} ${p.week}: both intervals`);
  }
  assert.equal(await page.getByTestId('chart-level').getAttribute('data-bands'), '2', 'the 80% and 95% bands are drawn');
  return points.length;
}

describe('forecast level picker in chromium', { timeout: 300_000 }, () => {
  before(async () => {
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('hierarchy-web');
    const onnx = await trainModel(f.series);
    projector = await startProjector(f.cfg, FORECAST_PROJECTION, { flushMs: 50 });
    await publishModel(f, 1, onnx, { intervals: INTERVALS });
    gw = await startGateway(f.cfg, { webDir });
    const nodes = 1 + new Set([...gw.store.all()].map((h) => h.store)).size + new Set([...gw.store.all()].map((h) => h.dept)).size;
    assert.ok(await eventually(() => gw.publisher.aggregatesPublished >= nodes, 90_000), `aggregates published: ${gw.publisher.aggregatesPublished} of ${nodes}`);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await projector?.stop();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`total, then store 2: the chart draws the gateway's numbers with both bands, and axe passes (${scheme})`, async () => {
      const page = await pageOf(browser, { viewport: { width: 1440, height: 1300 }, colorScheme: scheme, bypassCSP: true });
      try {
        await page.goto(`${gw.url}/#/performance`);
        await page.getByTestId('chart-series').waitFor({ timeout: 20_000 });
        assert.equal(await page.getByTestId('forecast-panel').getAttribute('data-level'), 'series', 'a series is drawn until a level is picked');
        await page.getByTestId('pick-level').selectOption('total');
        assert.ok((await drawsNode(page, 'level=total')) > 0);
        assert.match(await page.getByTestId('level-origin').innerText(), /Published from \d{4}-\d{2}-\d{2} by champion v1/);
        await page.getByTestId('pick-level').selectOption('store');
        await page.getByTestId('pick-level-store').selectOption('2');
        assert.ok((await drawsNode(page, 'level=store&store=2')) > 0);
        assert.match(await page.locator('[data-testid="forecast-panel"] h3').innerText(), /store 2/);
        assert.deepEqual(await axeViolations(page), [], `axe (${scheme})`);
      } finally {
        await page.close();
      }
    });
  }
});
