/**
 * The operations views in Debian's chromium (playwright-core) against the
 * real stack, with the materializer and the trainer in-process: the
 * Schedule view pauses and resumes the cron as events, a run with XGBoost
 * parameters is refused with the field named and then trained with them, a
 * real off-grid week is dead-lettered and re-driven from the Dead letters
 * view, every table downloads as CSV, a zoomed live chart keeps its zoom
 * through updates, and rows and the token dialog work from the keyboard.
 * The dashboard is built from the current sources into a temporary folder.
 * Screenshots of the new views go to docs/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, pageOf, buildDashboard, openDashboard } from './test/browser.js';
import { createClickhouse, rows } from '../lib/clickhouse/client.js';
import { createKafka } from '../lib/kafka/client.js';
import { readDeadLetters } from '../lib/kafka/dead-letter-log.js';
import { eventually } from '../lib/testing.js';
import { salesEventId } from '../schemas/types.js';
import { SCHEDULE_CHANGED, TRAINING_REQUESTED } from '../domain/contracts.js';
import { startMaterializer, type Materializer } from '../consumers/materializer/main.js';
import { startTrainer, type TrainerService } from '../trainer/service/trainer-service.js';
import { readTopic } from '../trainer/test/fixture.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { call, setUp, TOKEN, type Fixture } from '../gateway/test/fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'web-ops-'));
// store 1 dept 1 is a Friday series; a Thursday in its history is a real date off its grid
const OFF_GRID = '2011-03-03';

let f: Fixture;
let mat: Materializer;
let trainer: TrainerService;
let gw: Gateway;
let browser: Browser;
let page: Page;

/** A minimal RFC 4180 reader for the downloaded files: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      out.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'the file ends with CRLF');
  return out;
}

/** Clicks a table's CSV button and returns the downloaded file's name and rows. */
async function download(testId: string): Promise<{ name: string; text: string; rows: string[][] }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`${testId}-csv`).click()]);
  const path = join(tmp, d.suggestedFilename());
  await d.saveAs(path);
  const text = readFileSync(path, 'utf8');
  return { name: d.suggestedFilename(), text, rows: parseCsv(text) };
}

const view = async (id: string) => {
  await page.getByTestId(`nav-${id}`).click();
  await page.waitForURL(new RegExp(`#/${id}$`));
};

describe('operations views in chromium', { timeout: 600_000 }, () => {
  before(async () => {
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('ops-web', { patch: (d) => ((d.materializer.batchMs = 100), (d.trainer.holdoutWeeks = 8), (d.trainer.cron = '0 3 * * 1'), (d.stackDir = join(tmp, 'stack'))) });
    mat = await startMaterializer(f.cfg);
    const ch = createClickhouse(f.cfg);
    assert.ok(
      await eventually(async () => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${f.cfg.clickhouse.database}.sales_weekly`))[0]?.n) >= f.events.length, 60_000, 200),
      'history materialized',
    );
    await ch.close();
    trainer = await startTrainer(f.cfg, { groupPrefix: `trainer-${f.cfg.clickhouse.database}`, schedule: false, threshold: false });
    gw = await startGateway(f.cfg, { webDir, tickMs: 500 });
    browser = await launchChromium();
    page = await pageOf(browser, { viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    await openDashboard(page, gw.url);
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await trainer?.stop();
    await mat?.stop();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the token dialog traps focus, Escape closes it and gives focus back; toasts are an aria-live region', async () => {
    assert.equal(await page.getByTestId('toast-region').getAttribute('aria-live'), 'polite');
    assert.equal(await page.getByTestId('alert-region').getAttribute('aria-live'), 'assertive');
    const opener = page.getByTestId('train-now');
    await opener.focus();
    await page.keyboard.press('Enter');
    const input = page.getByTestId('token-input');
    await input.waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
    assert.equal(await focused(), 'token-input', 'the dialog takes the focus');
    const seen: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      seen.push(await focused());
    }
    assert.deepEqual(seen, ['token-ok', 'token-cancel', 'token-input', 'token-ok'], 'Tab cycles inside the dialog');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'token-cancel', 'Shift+Tab wraps backwards');
    await page.keyboard.press('Escape');
    await page.getByTestId('token-dialog').waitFor({ state: 'detached', timeout: 5_000 });
    // the button is re-enabled once its cancelled action settles, then takes the focus back
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'train-now', null, { timeout: 2_000 }).catch(() => undefined);
    assert.equal(await focused(), 'train-now', 'focus returns to the button that opened it');
    const requests = await readTopic(f.cfg, f.cfg.topics.trainingRequests, TRAINING_REQUESTED);
    assert.equal(requests.length, 0, 'Escape cancelled the write');
  });

  it('Schedule: the next runs from the cron; pause and resume are events, with the token', async () => {
    await view('schedule');
    await page.getByTestId('schedule-cron').filter({ hasText: '0 3 * * 1' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('schedule-state').innerText(), 'running');
    const api = (await call(gw.url, 'GET', '/v1/schedule')).body as { next: string[] };
    const ticks = await download('next-runs');
    assert.equal(ticks.name, 'next-runs.csv');
    assert.deepEqual(ticks.rows[0], ['#', 'at (UTC)', 'local time', 'when', 'will']);
    assert.deepEqual(ticks.rows.slice(1).map((r) => r[1]), api.next, 'the CSV holds the cron ticks the API lists');
    assert.ok(ticks.rows.slice(1).every((r) => r[4] === 'request a run'));

    await page.getByTestId('schedule-reason').fill('freeze, for the release');
    await page.getByTestId('schedule-toggle').click();
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('token-ok').click();
    await page.getByTestId('schedule-state').filter({ hasText: 'paused' }).waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('schedule-changed').innerText(), /paused .* by gateway:.*: freeze, for the release/);
    assert.match(await page.getByTestId('next-runs').innerText(), /be skipped \(paused\)/);
    assert.equal((await call(gw.url, 'GET', '/v1/schedule')).body.paused, true);
    await page.screenshot({ path: 'docs/dashboard-schedule.png', fullPage: true });

    await page.getByTestId('schedule-toggle').click();
    await page.getByTestId('schedule-state').filter({ hasText: 'running' }).waitFor({ timeout: 15_000 });
    const events = await readTopic(f.cfg, f.cfg.topics.trainingSchedule, SCHEDULE_CHANGED);
    assert.deepEqual(events.map((e) => [e.action, e.reason]), [['paused', 'freeze, for the release'], ['resumed', '']]);
  });

  it('a run with parameters: an out-of-range one is refused naming the field, a valid one trains with them', async () => {
    await page.getByTestId('param-maxDepth').fill('40');
    await page.getByTestId('train-submit').click();
    const err = page.getByTestId('train-error');
    await err.waitFor({ timeout: 10_000 });
    assert.match(await err.innerText(), /^params\.maxDepth: expected a value <= 16, got 40$/);
    assert.equal((await readTopic(f.cfg, f.cfg.topics.trainingRequests, TRAINING_REQUESTED)).length, 0, 'nothing was appended');

    await page.getByTestId('param-maxDepth').fill('3');
    await page.getByTestId('param-rounds').fill('25');
    await page.getByTestId('param-eta').fill('0.3');
    await page.getByTestId('train-reason').fill('shallow trees');
    await page.getByTestId('train-submit').click();
    await page.getByTestId('train-progress').waitFor({ timeout: 10_000 });
    const [req] = await readTopic(f.cfg, f.cfg.topics.trainingRequests, TRAINING_REQUESTED);
    assert.equal(req!.reason, 'shallow trees');
    assert.deepEqual(JSON.parse(req!.params!), { maxDepth: 3, rounds: 25, eta: 0.3 });
    await page.getByTestId('train-outcome').waitFor({ timeout: 240_000 });
    assert.match(await page.getByTestId('train-outcome').innerText(), /^run v1 (promoted|rejected|failed): /);
    const row = page.getByTestId('last-runs-row-1');
    await row.waitFor({ timeout: 10_000 });
    const text = await row.innerText();
    assert.match(text, /"maxDepth":3/);
    assert.match(text, /"rounds":25/);
    assert.match(text, /"eta":0\.3/);
    const runs = await download('last-runs');
    assert.deepEqual(runs.rows[0], ['version', 'trigger', 'outcome', 'why', 'params', 'duration', 'finished']);
    assert.equal(runs.rows[1]![0], '1');
    assert.equal(runs.rows[1]![1], 'manual');
    assert.equal(JSON.parse(runs.rows[1]![4]!).maxDepth, 3, 'params are one quoted JSON field');
    await page.screenshot({ path: 'docs/dashboard-train-run.png', fullPage: true });
  });

  it('Dead letters: a real off-grid week is listed with its reason, opened from the keyboard, re-driven and recorded', async () => {
    const first = f.events.find((e) => e.store === 1 && e.dept === 1)!;
    await f.sales.send([{ ...first, week: OFF_GRID, eventId: salesEventId(1, 1, OFF_GRID), weeklySales: 999_999 }]);
    const kafka = createKafka(f.cfg, 'test-dlq');
    // the gateway and the materializer each refuse it: one message, two letters
    assert.ok(await eventually(async () => (await readDeadLetters(kafka, f.cfg.topics.deadLetter))[0]?.letters.length === 2, 60_000, 500), 'two letters');
    const [dead] = await readDeadLetters(kafka, f.cfg.topics.deadLetter);
    await view('dead-letters');
    const row = page.getByTestId(`dlq-row-${dead!.id}`);
    await row.waitFor({ timeout: 30_000 });
    const cells = (await row.innerText()).split('\t').map((s) => s.trim());
    assert.equal(cells[1], dead!.id);
    assert.equal(cells[2], f.cfg.topics.sales);
    assert.equal(cells[3], '1:1');
    assert.deepEqual(cells[4]!.split(', ').sort(), ['gateway', f.cfg.materializer.groupId].sort());
    assert.match(cells[5]!, /^week: expected a date on series 1:1's 7-day grid .*got "2011-03-03"$/);
    assert.match(await page.getByTestId('dlq-groups').innerText(), new RegExp(`${f.cfg.topics.sales.replace(/\./g, '\\.')}\\tweek: expected`));

    // keyboard: from the CSV button, Tab reaches the table's scroll region (focusable so a keyboard can scroll it), then the row; Enter opens it
    await page.getByTestId('dlq-table-csv').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'region');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), `dlq-row-${dead!.id}`);
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('dlq-detail');
    await detail.waitFor({ timeout: 5_000 });
    assert.match(await page.getByTestId('dlq-record').innerText(), /\n {2}"week": "2011-03-03"/, 'the record, indented');
    await page.screenshot({ path: 'docs/dashboard-dead-letters.png', fullPage: true });

    const csv = await download('dlq-table');
    assert.equal(csv.name, 'dead-letters.csv');
    assert.deepEqual(csv.rows[0], ['message', 'topic', 'key', 'refused by', 'reason', 'dead-lettered at', 're-driven']);
    const line = csv.rows.find((r) => r[0] === dead!.id)!;
    assert.equal(line[1], f.cfg.topics.sales);
    assert.equal(line[4], dead!.letters[0]!.reason, 'the reason, quoted as it needs (it holds commas and quotes)');
    assert.ok(csv.text.includes(`"${dead!.letters[0]!.reason.replaceAll('"', '""')}"`));
    assert.equal(line[5], dead!.letters[0]!.at);
    assert.equal(line[6], '');

    await page.getByTestId('dlq-redrive').click();
    await page.getByTestId('toast').filter({ hasText: 'Re-drove 1 message to' }).waitFor({ timeout: 30_000 });
    await row.filter({ hasText: '1x' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('dlq-redriven').filter({ hasText: /by gateway:/ }).waitFor({ timeout: 5_000 });
    const after = await readDeadLetters(kafka, f.cfg.topics.deadLetter);
    assert.equal(after.find((m) => m.id === dead!.id)!.redriven.length, 1, 'the re-drive is recorded on the dead-letter topic');
    // the same bytes came back to sales.weekly and, still off the grid, are refused again as a new message
    assert.ok(await eventually(async () => (await readDeadLetters(kafka, f.cfg.topics.deadLetter)).some((m) => m.id !== dead!.id && m.value?.equals(dead!.value!)), 60_000, 500), 're-driven bytes arrived again');
  });

  it('Backtests: started from the dashboard, run by the trainer, followed to its outcome; rows work from the keyboard', async () => {
    await view('backtests');
    await page.getByTestId('bt-cutoffs').fill('0');
    await page.getByTestId('bt-submit').click();
    await page.getByTestId('bt-error').filter({ hasText: /^cutoffs: expected a value >= 1, got 0$/ }).waitFor({ timeout: 10_000 });
    await page.getByTestId('bt-cutoffs').fill('2');
    await page.getByTestId('bt-horizon').fill('2');
    await page.getByTestId('bt-refitEvery').fill('2');
    await page.getByTestId('bt-rounds').fill('20');
    await page.getByTestId('bt-reason').fill('from the browser');
    await page.getByTestId('bt-submit').click();
    await page.getByTestId('bt-progress').waitFor({ timeout: 10_000 });
    const id = /^(bt-\S+):/.exec(await page.getByTestId('bt-progress').innerText())![1]!;
    await page.getByTestId('bt-outcome').filter({ hasText: /^finished: 2 cut-offs, \d+ points$/ }).waitFor({ timeout: 240_000 });
    const detail = (await call(gw.url, 'GET', `/v1/backtests/${id}`)).body;
    assert.equal(detail.status, 'finished');
    assert.equal(detail.reason, 'from the browser');
    assert.equal(detail.horizon, 2);
    assert.equal(detail.refitEvery, 2);
    assert.match(detail.requestedBy, /^gateway:/);
    // the training log streamed its progress under its id
    assert.match(await page.getByTestId('bt-progress').innerText(), new RegExp(`^${id}: finished`));
    const row = page.getByTestId(`backtest-row-${id}`);
    await row.waitFor({ timeout: 20_000 });

    // a second one that cannot run (no data in 2000, before the history starts) fails with why (one past the data is refused before it is queued); pick each row from the keyboard
    const bad = await call(gw.url, 'POST', '/v1/backtests', { from: '2000-01-07', to: '2000-02-04' }, { authorization: `Bearer ${TOKEN}` });
    assert.equal(bad.status, 202, JSON.stringify(bad.body));
    await page.getByTestId('backtests-refresh').click();
    const failed = page.getByTestId(`backtest-row-${bad.body.backtestId}`);
    assert.ok(await eventually(async () => {
      await page.getByTestId('backtests-refresh').click();
      return /failed/.test(await failed.innerText().catch(() => ''));
    }, 120_000, 2000), 'the impossible backtest is recorded as failed');
    await failed.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('backtest-detail').filter({ hasText: bad.body.backtestId }).waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('backtest-detail').innerText(), /BACKTEST_DATA: /);
    await row.focus();
    await page.keyboard.press(' ');
    await page.getByTestId('backtest-detail').filter({ hasText: `${id}: WAPE by horizon` }).waitFor({ timeout: 10_000 });
    assert.equal(await row.getAttribute('aria-selected'), 'true');

    const csv = await download('backtests-table');
    assert.equal(csv.name, 'backtests.csv');
    assert.deepEqual(csv.rows[0], ['backtest', 'status', 'requested', 'cut-offs', 'horizon', 'refit every', 'points', 'WAPE model', 'seasonal naive', 'last value', '4-week mean', 'report']);
    const line = csv.rows.find((r) => r[0] === id)!;
    assert.deepEqual([line[1], line[4], line[5], line[6]], ['finished', '2', '2', String(detail.points)]);
    assert.equal(Number(line[7]), detail.wape.model, 'the WAPE in full precision');
    await page.screenshot({ path: 'docs/dashboard-backtest-started.png', fullPage: true });
  });

  it('a zoomed live chart keeps its zoom through updates; double-click returns to following the data', async () => {
    await view('status');
    const chart = page.getByTestId('chart-events');
    const points = async () => Number((await chart.getAttribute('data-points')) ?? 0);
    assert.ok(await eventually(async () => (await points()) >= 10, 30_000), 'ten ticks drawn');
    const over = chart.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    assert.equal(await chart.getAttribute('data-zoomed'), 'true');
    const range = async () => [Number(await chart.getAttribute('data-x-min')), Number(await chart.getAttribute('data-x-max'))];
    const zoomed = await range();
    // the columns are capped (300 points), so new ticks show as a later last x, not always as more points
    const lastX = async () => Number(await chart.getAttribute('data-last-x'));
    const x0 = await lastX();
    assert.ok(await eventually(async () => (await lastX()) >= x0 + 1.5, 15_000), 'three more ticks arrived');
    assert.deepEqual(await range(), zoomed, 'the x range is kept');
    assert.equal(await chart.getAttribute('data-zoomed'), 'true');
    await over.dblclick();
    assert.ok(await eventually(async () => (await chart.getAttribute('data-zoomed')) === 'false' && (await range())[1]! > zoomed[1]!, 10_000), 'following the data again');
  });
});
