/**
 * The decay chart in Debian's chromium, light and dark, against the real
 * stack: decay windows written to `training.log` the way a trainer in another
 * process relays them (trainer/service/training-log-relay.ts) reach the gateway's
 * follower, its live status and the dashboard, which draws each champion's
 * live WMAE over the trailing window, the threshold line, and a marker at
 * the window that asked for a retraining; after a reload the gateway's
 * snapshot carries them. The figures are those trainer/triggers/decay-recovery.int.test.ts
 * observed (docs/training.md, "Decay scenario"); the whole pipeline that
 * produces them is tested there. axe-core: no serious or critical WCAG A/AA
 * violation. Screenshots go to .stack/artifacts/screenshots (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Producer } from 'kafkajs';
import { createKafka } from '../lib/kafka/client.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { setUp, type Fixture } from '../gateway/test/fixture.js';
import { encodeTrainingLog, keyOf } from '../domain/training/log-record.js';
import type { TrainingDiagnostic } from '../domain/training/diagnostics.js';
import { buildDashboard, launchChromium, pageOf, axeViolations } from './test/browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'web-decay-'));
const SHOTS = join(process.cwd(), '.stack', 'artifacts', 'screenshots');
const sec = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

/**
 * The windows of the decay scenario (trainer/triggers/decay-recovery.int.test.ts, WMAE rounded): v1 healthy, v1 past
 * its threshold twice (the first retraining was rejected), then v3, retrained on the broken weeks.
 */
const WINDOWS: Extract<TrainingDiagnostic, { type: 'decay' }>[] = [
  { version: 1, decayed: false, from: '2011-08-19', to: '2011-08-26', wmae: 1074, threshold: 1368 },
  { version: 1, decayed: true, from: '2011-08-26', to: '2011-09-02', wmae: 1916, threshold: 1368 },
  { version: 1, decayed: true, from: '2011-09-09', to: '2011-09-16', wmae: 3284, threshold: 1368 },
  { version: 3, decayed: false, from: '2011-09-23', to: '2011-09-30', wmae: 1576, threshold: 3961 },
].map(({ version, decayed, ...window }, i) => ({ type: 'decay', version, decayed, text: `v${version} live WMAE ${window.wmae} over ${window.from}..${window.to}`, at: 1_700_000_000_000 + i, window }));

let f: Fixture;
let gw: Gateway;
let browser: Browser;
let producer: Producer;
let seq = 0;
/** Uncaught errors in the pages (none expected). */
const errors: string[] = [];

/** Writes windows to training.log as a trainer's relay in another process does. */
async function relay(ws: readonly TrainingDiagnostic[]): Promise<void> {
  const messages = ws.map((msg) => ({ key: keyOf(msg), value: encodeTrainingLog({ v: 1, host: 'trainer-box', pid: 4242, relay: 'decay-test', seq: ++seq, at: Date.now(), msg }) }));
  await producer.send({ topic: f.cfg.topics.trainingLog, acks: -1, messages });
}

async function seesWindows(page: Page, n: number): Promise<void> {
  const chart = page.getByTestId('chart-decay');
  await page
    .waitForFunction((k) => document.querySelector('[data-testid="chart-decay"]')?.getAttribute('data-points') === String(k), n, { timeout: 20_000 })
    .catch(async (err: Error) => {
      throw new Error(`${err.message}; the chart shows ${await chart.getAttribute('data-points')} points; page errors: ${errors.join(' | ')}`);
    });
  // one x per window end; the markers where a retraining was asked for
  assert.equal(await chart.getAttribute('data-markers'), n >= 3 ? `${sec('2011-09-02')},${sec('2011-09-16')}` : `${sec('2011-09-02')}`);
}

describe('decay chart: live WMAE, threshold and retraining markers, in chromium', { timeout: 240_000 }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('decay-web');
    producer = createKafka(f.cfg, 'decay-web-relay').producer();
    await producer.connect();
    gw = await startGateway(f.cfg, { webDir, tickMs: 500 });
    browser = await launchChromium();
  });
  after(async () => {
    await producer?.disconnect();
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('draws windows as they are relayed, then from the snapshot after a reload', async () => {
    const page = await pageOf(browser, { viewport: { width: 1440, height: 1100 } });
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${gw.url}/#/performance`);
      await page.getByTestId('chart-decay').waitFor({ timeout: 20_000 });
      assert.equal(await page.getByTestId('decay-requests').locator('li').count(), 0);
      await relay(WINDOWS.slice(0, 2));
      await seesWindows(page, 2);
      await relay(WINDOWS.slice(2));
      await seesWindows(page, 4);
      const legend = await page.getByTestId('chart-decay').locator('.u-legend').innerText();
      for (const label of ['v1 live WMAE', 'v3 live WMAE', 'decay threshold']) assert.ok(legend.includes(label), `legend has ${label}: ${legend}`);
      assert.deepEqual(await page.getByTestId('decay-requests').locator('li').allInnerTexts(), [
        'retraining asked for: v1 live WMAE 1,916 over 2011-08-26..2011-09-02, threshold 1,368',
        'retraining asked for: v1 live WMAE 3,284 over 2011-09-09..2011-09-16, threshold 1,368',
      ]);
      // the chart's text alternative names the series and the range
      assert.match(await page.getByTestId('chart-decay-summary').innerText(), /decay threshold/);
      await page.reload();
      await seesWindows(page, 4);
    } finally {
      await page.close();
    }
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`passes axe with the decay chart drawn (${scheme})`, async () => {
      const page = await pageOf(browser, { viewport: { width: 1440, height: 1100 }, colorScheme: scheme, bypassCSP: true });
      try {
        await page.goto(`${gw.url}/#/performance`);
        await seesWindows(page, 4);
        assert.deepEqual(await axeViolations(page), [], `axe (${scheme})`);
        await page.getByTestId('chart-decay').screenshot({ path: join(SHOTS, `decay-chart-${scheme}.png`) });
      } finally {
        await page.close();
      }
    });
  }
});
