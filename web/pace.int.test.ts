/**
 * The sidebar's pace control in Debian's chromium (playwright-core) against
 * the real Kafka and a gateway: a preset, a typed number and pause / resume
 * each append a simulation.pace event (with the token dialog), and the
 * sidebar shows the pace the live status then carries. The dashboard is
 * built from the current sources into a temporary folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, pageOf, buildDashboard, openDashboard } from './test/browser.js';
import { eventually } from '../lib/testing.js';
import { SIMULATION_PACE_CHANGED } from '../domain/contracts.js';
import { readTopic } from '../trainer/test/fixture.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { call, setUp, TOKEN, type Fixture } from '../gateway/test/fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'web-pace-'));

let f: Fixture;
let gw: Gateway;
let browser: Browser;
let page: Page;

const paceEvents = async () => (await readTopic(f.cfg, f.cfg.topics.simulationPace, SIMULATION_PACE_CHANGED)).map((e) => [e.action, e.secondsPerWeek]);

describe('pace control in chromium', { timeout: 180_000 }, () => {
  before(async () => {
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    // SIM_RATE 3 events/s over the 3 x 4 = 12 series of the catalogue (no sales yet): a week every 4 s
    f = await setUp('pace-web', { history: false, patch: (d) => ((d.simulator.rate = 3), (d.stackDir = join(tmp, 'stack'))) });
    gw = await startGateway(f.cfg, { webDir, tickMs: 500 });
    browser = await launchChromium();
    page = await pageOf(browser, { viewport: { width: 1440, height: 1000 } });
    await openDashboard(page, gw.url);
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the SIM_RATE default, then sets a preset with the token: an event on simulation.pace', async () => {
    const state = page.getByTestId('pace-state');
    await state.filter({ hasText: 'a week every 4 s' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('pace-rate').innerText(), '3 events/s (SIM_RATE)');
    await page.getByTestId('pace-45').click();
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('token-ok').click();
    await page.getByTestId('toast').filter({ hasText: 'Pace: a week every 45 s' }).waitFor({ timeout: 15_000 });
    await state.filter({ hasText: 'a week every 45 s' }).waitFor({ timeout: 5_000 });
    // 12 series in 45 s: 0.27 events/s, and the live status says it was set by an event
    await page.getByTestId('pace-rate').filter({ hasText: /^0\.27 events\/s$/ }).waitFor({ timeout: 5_000 });
    assert.equal(await page.getByTestId('pace-45').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await paceEvents(), [['paced', 45]]);
    const api = (await call(gw.url, 'GET', '/v1/simulation/pace')).body;
    assert.deepEqual([api.secondsPerWeek, api.source, api.last.reason], [45, 'event', 'dashboard']);
    assert.match(api.last.changedBy, /^gateway:/);
  });

  it('a typed number (5..3600), pause and resume, each one event', async () => {
    const input = page.getByTestId('pace-seconds');
    await input.fill('4');
    assert.equal(await page.getByTestId('pace-set').isDisabled(), true, 'below 5 s cannot be sent');
    await input.fill('20');
    await input.press('Enter');
    await page.getByTestId('pace-state').filter({ hasText: 'a week every 20 s' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('pace-toggle').click();
    await page.getByTestId('pace-state').filter({ hasText: 'paused' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('pace-toggle').innerText(), 'Resume the simulator');
    await page.screenshot({ path: 'docs/dashboard-pace.png' });
    await page.getByTestId('pace-toggle').click();
    await page.getByTestId('pace-state').filter({ hasText: 'a week every 20 s' }).waitFor({ timeout: 10_000 });
    assert.ok(await eventually(async () => (await paceEvents()).length === 4, 10_000, 200), 'four events');
    assert.deepEqual(await paceEvents(), [['paced', 45], ['paced', 20], ['paused', null], ['resumed', null]]);
  });
});
