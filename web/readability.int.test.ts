/**
 * How the dashboard reads, in Debian's chromium against the real stack (a
 * gateway over a small history, a promoted model, a recorded run with
 * curves, a real dead letter), at 1440x900 in light and dark: weekly charts
 * name their weeks as ISO dates (no time of day, no "Time" legend row), tick
 * labels fit their axes, magnitudes start from zero, every timestamp and
 * date input is ISO, counts have the right plural; a theme toggle that
 * persists, axis labels and curves with enough contrast in both themes, and
 * axe-core with no serious or critical WCAG A/AA violation on any view. The
 * dashboard is built from the current sources into a temporary folder;
 * screenshots of every view in both themes go to .stack/artifacts/screenshots.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, pageOf, buildDashboard, openDashboard, axeViolations } from './test/browser.js';
import { createKafka } from '../lib/kafka/client.js';
import { readDeadLetters } from '../lib/kafka/dead-letter-log.js';
import { eventually } from '../lib/testing.js';
import { salesEventId } from '../schemas/types.js';
import { encodeTrainingLog } from '../domain/training/log-record.js';
import { BacktestPublisher } from '../domain/backtest/io/publisher.js';
import { catchUpProjection } from '../domain/backtest/io/projection/catch-up.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { createLogger } from '../lib/log.js';
import type { ModelTrained } from '../schemas/types.js';
import { randomUUID } from 'node:crypto';
import type { TrainingDiagnostic } from '../domain/training/diagnostics.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { auth, call, publishModel, publishRecordedRun, setUp, trainModel, type Fixture } from '../gateway/test/fixture.js';

const SHOTS = join(process.cwd(), '.stack', 'artifacts', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'web-readability-'));
// store 1 dept 1 is a Friday series; Thursdays in its history are real dates off its grid (the gateway dead-letters them)
const OFF_GRID = ['2011-03-03', '2011-03-10'];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

let f: Fixture;
let recorded: ModelTrained;
let gw: Gateway;
let browser: Browser;
let page: Page;

const VIEWS = ['status', 'performance', 'training', 'models', 'backtests', 'schedule', 'dead-letters', 'predict'];

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, b2] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b2!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
/** "rgb(17, 21, 28)" as #11151c. */
const hexOf = (rgb: string) => `#${(rgb.match(/\d+/g) ?? []).slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;

const view = async (id: string) => {
  await page.getByTestId(`nav-${id}`).click();
  await page.waitForURL(new RegExp(`#/${id}$`));
};

/** What uPlot drew on a chart's axes (read from the instance the Chart component leaves on its element). */
interface AxisReport {
  chart: string;
  axis: number;
  size: number;
  labels: string[];
  widest: number;
  /** Right end of the last x label in CSS px from the chart's left edge, and the chart's width. */
  lastLabelEnd?: number;
  width?: number;
  scaleMin?: number | null;
}
async function axes(testId: string): Promise<AxisReport[]> {
  await page.waitForFunction((id) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-points')) > 0, testId, { timeout: 20_000 });
  // let the chart draw its new data once more (axis sizes converge over uPlot's layout cycles)
  await page.waitForTimeout(300);
  return page.evaluate((id) => {
    // uPlot's drawn state: _size, _values and _splits are internal fields, not in its types
    interface DrawnAxis { scale: string; _size: number; _values?: unknown[]; _splits?: number[] }
    interface Drawn { axes: DrawnAxis[]; scales: Record<string, { min?: number | null }>; over: HTMLElement; width: number; valToPos(v: number, scale: string): number }
    const u = (document.querySelector(`[data-testid="${id}"]`) as HTMLElement & { uplot: Drawn }).uplot;
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
    return u.axes.map((a, i) => {
      const labels: string[] = (a._values ?? []).map(String);
      const widest = Math.max(0, ...labels.map((l) => ctx.measureText(l).width));
      const r: AxisReport = { chart: id, axis: i, size: a._size, labels, widest, scaleMin: u.scales[a.scale]?.min ?? null };
      if (i === 0 && a._splits?.length) {
        const last = a._splits[a._splits.length - 1]!;
        r.lastLabelEnd = u.over.offsetLeft + u.valToPos(last, 'x') + ctx.measureText(labels[labels.length - 1] ?? '').width / 2;
        r.width = u.width;
      }
      return r;
    });
  }, testId);
}

describe('dashboard readability in chromium', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('readability');
    await publishModel(f, 1, await trainModel(f.series));
    recorded = (await publishRecordedRun(f, 2, { rounds: 30 })).run;
    const first = f.events.find((e) => e.store === 1 && e.dept === 1)!;
    await f.sales.send(OFF_GRID.map((week) => ({ ...first, week, eventId: salesEventId(1, 1, week), weeklySales: 999_999 })));
    gw = await startGateway(f.cfg, { webDir, tickMs: 500 });
    const kafka = createKafka(f.cfg, 'test-readability');
    assert.ok(await eventually(async () => (await readDeadLetters(kafka, f.cfg.topics.deadLetter)).length === 2, 60_000, 500), 'the gateway dead-lettered both off-grid weeks');
    browser = await launchChromium();
    // the gateway's Content-Security-Policy refuses inline scripts; axe-core is injected as one
    page = await pageOf(browser, { viewport: { width: 1440, height: 900 }, bypassCSP: true });
    await openDashboard(page, gw.url);
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('weekly charts: ISO-dated ticks on the data grid, the last one whole, a "week" hover row only while hovering', async () => {
    await view('performance');
    const chart = page.getByTestId('chart-series');
    const [x] = await axes('chart-series');
    assert.ok(x!.labels.length >= 3, `ticks: ${x!.labels.join(' ')}`);
    for (const l of x!.labels) assert.match(l, ISO_DAY, 'a tick is a date, no time of day');
    // the series is on Fridays: a tick between two weeks would be another weekday
    for (const l of x!.labels) assert.equal(new Date(`${l}T00:00:00Z`).getUTCDay(), 5, `${l} is a week of the data`);
    assert.ok(x!.lastLabelEnd! <= x!.width!, `the last date label ends at ${x!.lastLabelEnd} px, inside the ${x!.width} px chart`);

    const legend = chart.locator('.u-legend');
    assert.ok(!/time/i.test(await legend.innerText()), 'no "Time" row');
    assert.equal(await legend.locator('.u-series').first().isVisible(), false, 'no x row at rest');
    const over = (await chart.locator('.u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
    const row = legend.locator('.u-series').first();
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
    assert.match(text, /^week\s*\d{4}-\d{2}-\d{2}$/, `hover row: ${text}`);
    await page.mouse.move(1, 1);
    await page.waitForFunction(() => document.querySelector('[data-testid="chart-series"]')?.getAttribute('data-hover') === 'false');
  });

  it('y labels fit their axes on every chart, and error and count axes start at zero', async () => {
    await view('performance');
    const reports = [...(await axes('chart-series')), ...(await axes('chart-holdout'))];
    await view('status');
    reports.push(...(await axes('chart-events')), ...(await axes('chart-latency')));
    await view('models');
    await page.getByRole('checkbox', { name: 'compare v2' }).check();
    reports.push(...(await axes('chart-curves')));
    for (const r of reports.filter((a) => a.axis > 0 && a.labels.length > 0)) {
      // tick 10 px + gap 5 px between the plot and the label
      assert.ok(r.widest + 15 <= r.size, `${r.chart} axis ${r.axis}: "${r.labels.join('", "')}" (${r.widest.toFixed(1)} px) fit in ${r.size} px`);
    }
    for (const r of reports.filter((a) => a.axis === 0 && a.lastLabelEnd !== undefined)) {
      assert.ok(r.lastLabelEnd! <= r.width!, `${r.chart}: the last x label ends at ${r.lastLabelEnd} px, inside the ${r.width} px chart`);
    }
    for (const id of ['chart-holdout', 'chart-events']) {
      const y = reports.find((r) => r.chart === id && r.axis === 1)!;
      assert.equal(y.scaleMin, 0, `${id} starts at zero`);
    }
  });

  it('timestamps and date inputs are ISO; counts have the right plural', async () => {
    await view('training');
    const finished = await page.getByTestId('runs-table').locator('tbody tr').first().locator('td').nth(5).innerText();
    assert.match(finished.trim(), ISO_STAMP);
    await view('predict');
    const week = page.getByTestId('predict-week');
    assert.equal(await week.getAttribute('type'), 'text', 'not a native date input (mm/dd/yyyy in en-US)');
    assert.equal(await week.getAttribute('placeholder'), 'YYYY-MM-DD');
    // the view proposes a week once the series list has loaded: wait for it rather than read it before
    await page.waitForFunction(() => ((document.querySelector('[data-testid="predict-week"]') as HTMLInputElement | null)?.value ?? '') !== '', undefined, { timeout: 15_000 });
    assert.match(await week.inputValue(), ISO_DAY, 'the proposed week');
    await week.fill('2011-06-31');
    assert.equal(await week.getAttribute('aria-invalid'), 'true', 'June has 30 days');
    await page.getByTestId('pick-store').selectOption('2');
    await page.getByTestId('pick-dept').selectOption('3');
    await week.fill('2011-06-03');
    assert.equal(await week.getAttribute('aria-invalid'), null);
    await page.getByTestId('predict-submit').click();
    await page.getByTestId('predict-version').filter({ hasText: 'v1' }).waitFor({ timeout: 10_000 });
    assert.ok((await page.locator('main').innerText()).includes('1 week after 2011-05-27'), 'one week, singular');
  });

  it('a persistent theme toggle: light, dark, or following the system', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    const p = await ctx.newPage();
    try {
      const bg = () => p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      await p.goto(gw.url);
      await p.getByTestId('theme').waitFor();
      assert.equal(await p.getByTestId('theme').inputValue(), 'system');
      assert.equal(await bg(), 'rgb(245, 247, 251)');
      await p.getByTestId('theme').selectOption('dark');
      assert.equal(await bg(), 'rgb(17, 21, 28)');
      await p.reload();
      await p.getByTestId('theme').waitFor();
      assert.equal(await p.getByTestId('theme').inputValue(), 'dark', 'kept across a reload');
      assert.equal(await bg(), 'rgb(17, 21, 28)');
      // 'light' wins over a dark system; 'system' follows it, live
      await p.emulateMedia({ colorScheme: 'dark' });
      await p.getByTestId('theme').selectOption('light');
      assert.equal(await bg(), 'rgb(245, 247, 251)');
      await p.getByTestId('theme').selectOption('system');
      assert.equal(await bg(), 'rgb(17, 21, 28)');
      await p.emulateMedia({ colorScheme: 'light' });
      await p.waitForFunction(() => document.documentElement.dataset.theme === 'light');
      assert.equal(await p.evaluate(() => localStorage.getItem('forecast.theme')), null, 'following the system stores nothing');
    } finally {
      await ctx.close();
    }
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: axis labels, compare curves and the primary button are readable on their background`, async () => {
      await page.getByTestId('theme').selectOption(scheme);
      await view('models');
      const box = page.getByRole('checkbox', { name: 'compare v1' });
      if (!(await box.isChecked())) await box.check();
      if (!(await page.getByRole('checkbox', { name: 'compare v2' }).isChecked())) await page.getByRole('checkbox', { name: 'compare v2' }).check();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-curves"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 20_000 });
      const drawn = await page.evaluate(() => {
        interface Drawn { axes: { stroke: (u: unknown, i: number) => string }[]; series: { stroke?: (u: unknown, i: number) => string; label?: string }[] }
        const el = document.querySelector('[data-testid="chart-curves"]') as HTMLElement & { uplot: Drawn };
        const u = el.uplot;
        const panel = getComputedStyle(el.closest('.panel')!).backgroundColor;
        return { panel, axes: u.axes.map((a, i) => a.stroke(u, i)), series: u.series.slice(1).map((s, i) => ({ label: s.label ?? '', stroke: s.stroke?.(u, i + 1) ?? '' })) };
      });
      const panel = hexOf(drawn.panel);
      for (const a of drawn.axes) assert.ok(contrast(a, panel) >= 4.5, `axis labels ${a} on ${panel}: ${contrast(a, panel).toFixed(2)}:1`);
      const valid = drawn.series.filter((s) => s.label.endsWith('valid'));
      assert.ok(valid.length >= 1, `valid curves: ${drawn.series.map((s) => s.label).join(', ')}`);
      // one hue per version, each at least 3:1 on the panel (WCAG's figure for graphics)
      assert.equal(new Set(drawn.series.map((s) => s.stroke)).size, new Set(drawn.series.map((s) => s.label.split(' ')[0])).size, 'one colour per version');
      for (const s of drawn.series) assert.ok(contrast(s.stroke, panel) >= 3, `${s.label} ${s.stroke} on ${panel}: ${contrast(s.stroke, panel).toFixed(2)}:1`);
      // every hue of the series palette, not only the ones this chart uses
      const palette = await page.evaluate(() => Array.from({ length: 8 }, (_, i) => getComputedStyle(document.documentElement).getPropertyValue(`--c${i}`).trim()));
      for (const c of palette) assert.ok(contrast(c, panel) >= 3, `palette ${c} on ${panel}: ${contrast(c, panel).toFixed(2)}:1`);
      const button = await page.getByTestId('inject-next-week').evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]);
      assert.ok(contrast(hexOf(button[0]!), hexOf(button[1]!)) >= 4.5, `primary button ${button.join(' on ')}`);
    });

    it(`${scheme}: axe-core finds no serious or critical WCAG A/AA violation on any view`, async () => {
      await page.getByTestId('theme').selectOption(scheme);
      const found: string[] = [];
      for (const id of VIEWS) {
        await view(id);
        // let the view's data arrive (tables, charts) before judging it
        await page.waitForTimeout(1_000);
        if (id === 'dead-letters') await page.locator('[data-testid^="dlq-row-"]').first().click();
        found.push(...(await axeViolations(page)).map((v) => `${id}: ${v}`));
        await page.screenshot({ path: join(SHOTS, `readability-${scheme}-${id}.png`), fullPage: true });
      }
      assert.deepEqual(found, []);
    });
  }

  it('the axe check fails on what it should: grey on grey text is a serious contrast violation', async () => {
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.id = 'low-contrast';
      p.textContent = 'hard to read';
      p.style.cssText = 'color:#777;background:#888';
      document.querySelector('main')!.append(p);
    });
    try {
      const found = await axeViolations(page);
      assert.ok(found.some((v) => v.startsWith('color-contrast (serious) #low-contrast')), found.join('\n'));
    } finally {
      await page.evaluate(() => document.getElementById('low-contrast')?.remove());
    }
  });

  it('dead letters are an alert: a warning tile, a sidebar line and badge, a summary by source topic and reason, indented records', async () => {
    await page.getByTestId('theme').selectOption('light');
    await view('status');
    const card = page.getByTestId('dead-letters-card');
    await card.filter({ has: page.getByTestId('dead-letters').filter({ hasText: /^2$/ }) }).waitFor({ timeout: 20_000 });
    assert.equal(await card.getAttribute('data-state'), 'warn');
    assert.match(await card.innerText(), /messages were refused: review/);
    assert.equal((await page.getByTestId('dead-letter-alert').innerText()).trim(), '2 dead letters');
    assert.equal(await page.getByTestId('nav-dead-letters-count').innerText(), '2');
    await page.getByTestId('dead-letter-alert').click();
    await page.waitForURL(/#\/dead-letters$/);

    const summary = page.getByTestId('dlq-summary');
    await summary.waitFor({ timeout: 10_000 });
    assert.equal(
      (await summary.innerText()).replace(/\s+/g, ' ').trim(),
      `2 letters about 2 refused messages from ${f.cfg.topics.sales}, kept on ${f.cfg.topics.deadLetter}. Fix the cause, then re-drive them.`,
    );
    assert.equal(await page.getByTestId('dlq-title').innerText(), `Refused messages from ${f.cfg.topics.sales}: 2 messages`);
    // both weeks are one kind of refusal: one group, without the dates that differ
    const groups = page.getByTestId('dlq-groups').locator('tbody tr');
    assert.equal(await groups.count(), 1);
    const cells = (await groups.first().innerText()).split('\t').map((c) => c.trim());
    assert.equal(cells[0], f.cfg.topics.sales);
    assert.match(cells[1]!, /^week: expected a date on series 1:1's 7-day grid/);
    assert.ok(!cells[1]!.includes('2011-03'), `no offending value in the group's reason: ${cells[1]}`);
    assert.deepEqual(cells.slice(2, 4), ['2', '2'], 'messages, letters');

    await page.locator('[data-testid^="dlq-row-"]').first().click();
    const detail = page.getByTestId('dlq-detail');
    await detail.waitFor();
    assert.match(await detail.locator('h3').first().innerText(), /, 1 letter\)$/);
    assert.match(await page.getByTestId('dlq-record').innerText(), /^\{\n {2}"/, 'indented JSON');
  });

  it('tables hold long values: one line cut with an ellipsis and the whole value as a tooltip, dates on one line, controls outside the columns', async () => {
    const note = `${'a long note about this run, '.repeat(9)}end`.slice(0, 250);
    const set = await call(gw.url, 'POST', '/v1/models/2/annotations', { setTags: { note } }, auth);
    assert.equal(set.status, 202, JSON.stringify(set.body));
    await view('models');
    const row = page.getByTestId('model-row-2');
    await page.getByTestId('tags-2').waitFor({ timeout: 15_000 });
    /** How a cell's text lays out: its lines, whether it is cut, its tooltip. */
    const layout = (sel: string) =>
      page.locator(sel).first().evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        const e = el as HTMLElement;
        return { lines: tops.size, cut: e.scrollWidth > e.clientWidth, title: e.getAttribute('title') };
      });
    const tags = await layout('[data-testid="tags-2"]');
    assert.deepEqual(tags, { lines: 1, cut: true, title: `note=${note}` });
    const height = (await row.boundingBox())!.height;
    assert.ok(height < 60, `the row with a 250-character tag is ${height} px tall`);
    const trained = await layout('[data-testid="model-row-2"] td:nth-child(11)');
    assert.equal(trained.lines, 1, 'the training time on one line');

    // the CSV button and the roll-back sit above the table, over no column
    const table = (await page.getByTestId('models-table').boundingBox())!;
    for (const id of ['models-table-csv', 'rollback']) {
      const b = (await page.getByTestId(id).boundingBox())!;
      assert.ok(b.y + b.height <= table.y, `${id} ends at ${b.y + b.height}, the table starts at ${table.y}`);
    }
    const panel = (await page.getByTestId('models-tools').locator('xpath=ancestor::div[contains(@class,"panel")]').boundingBox())!;
    const csv = (await page.getByTestId('models-table-csv').boundingBox())!;
    assert.ok(csv.x > panel.x + panel.width / 2, 'the CSV button is with the other control on the right');

    await view('dead-letters');
    const first = page.locator('[data-testid^="dlq-row-"]').first();
    await first.waitFor({ timeout: 10_000 });
    const reason = await layout('[data-testid^="dlq-row-"] td:nth-child(6) .trunc');
    assert.equal(reason.lines, 1);
    assert.match(reason.title ?? '', /^week: expected a date on series 1:1's 7-day grid .*got "2011-03-\d\d"$/, 'the whole reason in the tooltip');
    const at = await layout('[data-testid^="dlq-row-"] td:nth-child(7)');
    assert.equal(at.lines, 1, 'the dead-lettered time on one line');
    assert.ok((await first.boundingBox())!.height < 40, 'one line per dead letter');
  });

  it('"now" on every page: the run training with its round and time left, a backtest with its cut-off i/n, the run live in the Runs table; the log follows its end, with a jump to the start', async () => {
    // a trainer in another process relays its lines on training.log, as trainer/service/training-log-relay.ts does
    const producer = createKafka(f.cfg, 'test-now').producer();
    await producer.connect();
    let seq = 0;
    const sayAt = (msg: TrainingDiagnostic, at: number, key = 'run-now') =>
      producer.send({ topic: f.cfg.topics.trainingLog, messages: [{ key, value: encodeTrainingLog({ v: 1, host: 'trainer-elsewhere', pid: 1, relay: 'test-relay', seq: ++seq, at, msg }) }] });
    const say = (msg: TrainingDiagnostic, at: number) => sayAt(msg, at);
    try {
      const t0 = Date.now() - 60_000;
      await say({ type: 'started', runId: 'run-now', version: 3, requestIds: ['q'], reasons: ['manual'], at: t0 }, t0);
      // 40 rounds in 40 s: 110 rounds left at a second each
      for (let round = 1; round <= 40; round++) await say({ type: 'log', runId: 'run-now', line: { type: 'progress', round, of: 150, validMae: 0.1 } }, t0 + round * 1000);
      await view('status');
      const now = page.getByTestId('now-training');
      await now.filter({ hasText: 'round 40/150' }).waitFor({ timeout: 20_000 });
      assert.equal((await now.innerText()).replace(/\s+/g, ' ').trim(), 'training v3 · round 40/150 · ~1 min 50 s left');
      assert.match((await page.getByTestId('now-promotion').innerText()).replace(/\s+/g, ' '), /^last promotion v1 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

      // a backtest in the trainer says its cut-offs on the same log: 3 in 12 s, 33 left at 4 s each
      const bt = 'bt-20991231-000000-abcdef';
      const sayBt = (text: string, at: number) => sayAt({ type: 'log', runId: bt, line: { type: 'log', msg: text } }, at, bt);
      await sayBt(`backtest ${bt} started (readability test)`, t0);
      await sayBt(`backtest ${bt}: cut-off 1/36 2011-01-07, refit on 500 rows`, t0 + 4_000);
      await sayBt(`backtest ${bt}: cut-off 3/36 2011-01-21`, t0 + 12_000);
      const btNow = page.getByTestId('now-backtest');
      await btNow.filter({ hasText: 'cut-off 3/36' }).waitFor({ timeout: 10_000 });
      assert.equal((await btNow.innerText()).replace(/\s+/g, ' ').trim(), 'backtest cut-off 3/36 · ~2 min 12 s left');
      assert.equal(await btNow.getAttribute('title'), bt);
      await sayBt(`backtest ${bt} finished: 36 cut-offs, 900 points`, t0 + 20_000);
      await btNow.waitFor({ state: 'detached', timeout: 10_000 });

      await view('training');
      const running = page.getByTestId('runs-table-row-3');
      await running.waitFor({ timeout: 5_000 });
      const cells = (await running.innerText()).split('\t').map((c) => c.trim());
      assert.equal(cells[0], 'v3');
      assert.equal(cells[3], 'running');
      assert.equal(cells[4], 'round 40/150, ~1 min 50 s left');

      const log = page.getByTestId('training-log');
      const at = () => log.evaluate((el) => ({ top: el.scrollTop, bottom: el.scrollHeight - el.scrollTop - el.clientHeight, overflow: el.scrollHeight > el.clientHeight }));
      const opened = await at();
      assert.ok(opened.overflow, 'the log is longer than its box');
      assert.ok(opened.bottom < 2, `opens at its live end (${opened.bottom} px above it)`);
      await page.getByTestId('log-start').click();
      assert.equal((await at()).top, 0);
      assert.equal(await page.getByTestId('log-follow').getAttribute('aria-pressed'), 'false');
      // a new round does not pull a reader away from the start
      await say({ type: 'log', runId: 'run-now', line: { type: 'progress', round: 41, of: 150, validMae: 0.1 } }, t0 + 41_000);
      await page.getByTestId('now-training').filter({ hasText: 'round 41/150' }).waitFor({ timeout: 10_000 });
      assert.equal((await at()).top, 0);
      await page.getByTestId('log-follow').click();
      assert.ok((await at()).bottom < 2, 'back at the end');
      assert.equal(await page.getByTestId('log-follow').getAttribute('aria-pressed'), 'true');
    } finally {
      await producer.disconnect();
    }
  });

  it('every chart has a text alternative: what its x axis covers, each series\' last value and range', async () => {
    await view('performance');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-series"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 20_000 });
    const series = await page.getByTestId('chart-series-summary').textContent();
    assert.match(series ?? '', /^\d+ weeks, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\. actual: last [\d,]+, from [\d,]+ to [\d,]+\./, series ?? '');
    // v1's recorded holdout WAPE is 10% (gateway/test/fixture.ts publishModel)
    assert.ok((await page.getByTestId('chart-holdout-summary').textContent())!.startsWith('1 version, v1. model: last 10.0%, from 10.0% to 10.0%.'));
    for (const id of ['status', 'performance']) {
      await view(id);
      const charts = await page.locator('figure.chart-figure').evaluateAll((figs) => figs.map((f) => ({ chart: f.querySelector('.chart')?.getAttribute('data-testid'), text: f.querySelector('figcaption')?.textContent ?? '' })));
      assert.ok(charts.length >= 2, `${id}: ${charts.length} charts`);
      for (const c of charts) assert.ok(c.text.length > 10, `${id} ${c.chart}: "${c.text}"`);
    }
  });

  it('predict offers the nearest weeks of the series\' grid for a date off it', async () => {
    await view('predict');
    await page.getByTestId('pick-store').selectOption('1');
    await page.getByTestId('pick-dept').selectOption('1');
    await page.getByTestId('predict-week').fill('2011-03-03');
    const near = page.getByTestId('predict-near');
    await near.waitFor({ timeout: 10_000 });
    assert.equal((await near.innerText()).replace(/\s+/g, ' ').trim(), "2011-03-03 is not on series 1:1's weekly grid. Use 2011-02-25 or 2011-03-04");
    await page.getByTestId('predict-near-1').click();
    assert.equal(await page.getByTestId('predict-week').inputValue(), '2011-03-04');
    await near.waitFor({ state: 'detached', timeout: 5_000 });
    await page.getByTestId('predict-submit').click();
    await page.getByTestId('prediction-table').filter({ hasText: 'store 1, dept 1, 2011-03-04' }).waitFor({ timeout: 10_000 });
  });

  it('a model page (#/models/v3): facts, WAPE by weeks ahead against the baselines, curves, tags; links to compare; panels scroll into view; no axe violation in either theme', async () => {
    const bands = [
      { label: 'h1', from: 1, to: 1, points: 40, metrics: { model: { wape: 0.08 }, seasonalNaive: { wape: 0.2 }, lastValue: { wape: 0.06 } } },
      { label: 'h2-4', from: 2, to: 4, points: 120, metrics: { model: { wape: 0.11 }, seasonalNaive: { wape: 0.21 }, lastValue: { wape: 0.19 } } },
    ];
    await f.publisher.modelTrained({
      ...recorded,
      runId: randomUUID(),
      version: 3,
      metrics: JSON.stringify({ model: { wape: 0.1 }, seasonalNaive: { wape: 0.2 }, lastValue: { wape: 0.15 }, bands }),
      decision: 'rejected',
      decisionReason: 'not better than the champion v1',
      trainedAt: Date.now(),
    });
    await page.getByTestId('theme').selectOption('light');
    await view('models');
    await page.getByTestId('model-link-3').click({ timeout: 20_000 });
    await page.waitForURL(/#\/models\/v3$/);
    // the hash changes before Preact renders the new route: wait for the heading (a timeout fails the test)
    await page.locator('main h2', { hasText: 'Models › v3' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('main h2').innerText(), 'Models › v3');
    const facts = await page.getByTestId('model-page-facts').innerText();
    assert.match(facts, /decision\s+rejected: not better than the champion v1/);
    assert.match(facts, /holdout WAPE\s+10\.00% \(seasonal naive 20\.00%, last value 15\.00%/);
    const rows = page.getByTestId('model-bands').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.deepEqual((await rows.first().innerText()).split('\t').map((c) => c.trim()).slice(0, 5), ['h1', '40', '8.00%', '20.00%', '6.00%']);
    // the model beats seasonal naive on h1 (green) but not last value (red)
    assert.deepEqual(await rows.first().locator('td').evaluateAll((tds) => [tds[3]!.className.includes('better'), tds[4]!.className.includes('worse')]), [true, true]);
    await page.getByTestId('compare').getByRole('heading', { name: 'v3', exact: true }).waitFor({ timeout: 10_000 });
    await page.getByTestId('edit-panel').waitFor();
    await page.screenshot({ path: join(SHOTS, 'readability-model-page.png'), fullPage: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.getByTestId('theme').selectOption(scheme);
      assert.deepEqual(await axeViolations(page), [], `${scheme}: model page`);
    }
    await page.getByTestId('theme').selectOption('light');

    await page.getByTestId('model-page-compare').click();
    await page.waitForURL(/#\/models\?compare=1,3$/);
    const compare = page.getByTestId('compare');
    await compare.getByRole('heading', { name: 'v1 vs v3' }).waitFor({ timeout: 10_000 });
    const inView = (id: string) => page.getByTestId(id).evaluate((el) => el.getBoundingClientRect().top > -2 && el.getBoundingClientRect().top < innerHeight);
    assert.ok(await inView('compare'), 'the compare panel was brought into view');
    await page.evaluate(() => scrollTo(0, 0));
    await page.getByTestId('edit-2').click();
    await page.getByTestId('edit-panel').waitFor();
    assert.ok(await inView('edit-panel'), `the edit panel was brought into view: ${await page.getByTestId('edit-panel').evaluate((el) => el.getBoundingClientRect().top)} of ${await page.evaluate(() => innerHeight)}`);
  });

  it('a running backtest\'s row says how far it is (cut-off i/n, percentage, time left), as its log says', async () => {
    const id = 'bt-20991231-000001-abcdef';
    const kafka = createKafka(f.cfg, 'test-bt-row');
    const publisher = await BacktestPublisher.connect(kafka, await bootstrapContracts(f.cfg), f.cfg.topics);
    const producer = kafka.producer();
    await producer.connect();
    try {
      const t0 = Date.now() - 30_000;
      await publisher.requested({
        backtestId: id, cutoffCount: 36, fromWeek: null, toWeek: null, horizon: 4, refitEvery: 4, params: '{}', series: [], salesTopic: f.cfg.topics.sales,
        topicOffsets: '{}', reason: 'readability test', requestedBy: 'test', requestedAt: t0, runner: 'trainer',
      });
      await catchUpProjection(f.cfg, createLogger('readability-test'));
      let seq = 0;
      const say = (text: string, at: number) =>
        producer.send({ topic: f.cfg.topics.trainingLog, messages: [{ key: id, value: encodeTrainingLog({ v: 1, host: 'trainer-elsewhere', pid: 1, relay: 'bt-relay', seq: ++seq, at, msg: { type: 'log', runId: id, line: { type: 'log', msg: text } } }) }] });
      await say(`backtest ${id} started (readability test)`, t0);
      // 9 of 36 cut-offs in 18 s: 27 left at 2 s each
      await say(`backtest ${id}: cut-off 9/36 2011-03-04`, t0 + 18_000);
      await view('backtests');
      const status = page.getByTestId(`backtest-status-${id}`);
      await status.filter({ hasText: '9/36' }).waitFor({ timeout: 20_000 });
      assert.equal((await status.innerText()).trim(), 'running: cut-off 9/36 (25%), ~54 s left');
    } finally {
      await Promise.allSettled([producer.disconnect(), publisher.disconnect()]);
    }
  });
});
