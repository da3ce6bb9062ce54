/**
 * The search box, sortable columns and paging of the Models and Runs tables
 * in Debian's chromium, light and dark, against the real stack: 30 runs on
 * model.trained (v<n> has holdout WAPE n/100), team=x tagged on every third
 * version, the registry projector writing ClickHouse and the gateway
 * searching there. Every view checked with axe-core (no serious or critical
 * WCAG A/AA violation; CSP bypassed only to inject axe), the refusal of a
 * bad filter included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../lib/testing.js';
import { startRegistryProjector, type RegistryProjector } from '../consumers/registry/main.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { call, setUp, type Fixture } from '../gateway/test/fixture.js';
import { buildDashboard, launchChromium, pageOf, axeViolations } from './test/browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'web-run-search-'));
const RUNS = 30;

let f: Fixture;
let gw: Gateway;
let projector: RegistryProjector;
let browser: Browser;

/** The versions a table shows, top to bottom, from its rows' test ids. */
async function shown(page: Page, rowPrefix: string): Promise<number[]> {
  const ids = await page.locator(`[data-testid^="${rowPrefix}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  return ids.map((id) => Number(id.slice(id.lastIndexOf('-') + 1)));
}

/** Waits until the table shows exactly `versions`, in that order. */
async function waitShown(page: Page, rowPrefix: string, versions: number[]): Promise<void> {
  const ok = await eventually(async () => (await shown(page, rowPrefix)).join() === versions.join(), 15_000, 200);
  assert.ok(ok, `${rowPrefix}: expected ${versions.join()}, shown ${(await shown(page, rowPrefix)).join()}`);
}

describe('Runs and Models search in chromium', { timeout: 300_000 }, () => {
  before(async () => {
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('run-search-web', { history: false });
    for (let v = 1; v <= RUNS; v++) {
      await f.publisher.modelTrained({
        runId: randomUUID(), version: v, requestIds: [], trigger: 'manual', reasons: ['search test'], params: JSON.stringify({ eta: 0.1, rounds: 10 * v }),
        featureVersion: 'f', features: ['a'], horizon: 4, metrics: JSON.stringify({ model: { n: 10, wape: v / 100 }, seasonalNaive: { n: 10, wape: 0.2 } }),
        holdoutWeeks: [], dataMaxWeek: '2011-08-05', dataRows: 10, dataSeries: 1, topicOffsets: '{}', durationMs: 1000, artifactSha256: '', artifactUri: '', artifactBytes: 0,
        decision: 'rejected', decisionReason: 'test run', trainedAt: 1_700_000_000_000 + v * 60_000,
      });
      if (v % 3 === 0) await f.publisher.modelAnnotated({ version: v, setTags: { team: 'x' }, removeTags: [], description: null, annotatedBy: 'test', annotatedAt: 1 });
    }
    gw = await startGateway(f.cfg, { webDir });
    projector = await startRegistryProjector(f.cfg, { groupId: `${f.prefix}registry` });
    const searched = () => call(gw.url, 'GET', `/v1/runs?${new URLSearchParams({ filter: "tags.team = 'x'", max_results: '100' })}`);
    assert.ok(await eventually(async () => ((await searched()).body.runs ?? []).length === RUNS / 3, 60_000), 'the projection holds the runs and their tags');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await projector?.stop();
    await gw?.close();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`Models: search, sort by WAPE, a refused filter, paging (${scheme})`, async () => {
      const page = await pageOf(browser, { viewport: { width: 1440, height: 900 }, colorScheme: scheme, bypassCSP: true });
      try {
        await page.goto(`${gw.url}/#/models`);
        // first page of 25, newest first
        await waitShown(page, 'model-row-', Array.from({ length: 25 }, (_, i) => RUNS - i));
        await page.getByRole('searchbox', { name: 'search versions' }).fill("metrics.wape < 0.12 and tags.team = 'x'");
        await page.getByTestId('models-search-go').click();
        await waitShown(page, 'model-row-', [9, 6, 3]);
        assert.equal(await page.getByTestId('models-pager').count(), 0, 'one page: no pager');
        await page.getByTestId('sort-metrics.wape').click();
        await waitShown(page, 'model-row-', [3, 6, 9]);
        assert.equal(await page.getByTestId('sort-metrics.wape').locator('xpath=..').getAttribute('aria-sort'), 'ascending');
        await page.getByTestId('sort-metrics.wape').click();
        await waitShown(page, 'model-row-', [9, 6, 3]);
        assert.equal(await page.getByTestId('sort-metrics.wape').locator('xpath=..').getAttribute('aria-sort'), 'descending');
        assert.deepEqual(await axeViolations(page), [], `axe on the searched Models view (${scheme})`);

        // outside the grammar: the gateway's 400 is shown, naming the field and what it expected; the rows stay
        await page.getByRole('searchbox', { name: 'search versions' }).fill('metrics.wape < 0.12 OR 1=1');
        await page.getByTestId('models-search-go').click();
        const error = page.getByTestId('models-search-error');
        await error.waitFor({ timeout: 10_000 });
        assert.match(await error.innerText(), /^filter: expected AND between comparisons at character 21/);
        assert.equal(await error.getAttribute('role'), 'alert');
        assert.deepEqual(await shown(page, 'model-row-'), [9, 6, 3]);
        assert.deepEqual(await axeViolations(page), [], `axe with the refusal shown (${scheme})`);
        await page.screenshot({ path: join('.stack', 'artifacts', `run-search-${scheme}.png`) }).catch(() => undefined);

        // cleared: the unfiltered list in pages of 25, sorted by WAPE descending (the sort stays)
        await page.getByTestId('models-search-clear').click();
        await waitShown(page, 'model-row-', Array.from({ length: 25 }, (_, i) => RUNS - i));
        assert.equal(await page.getByTestId('models-pager-page').innerText(), 'page 1');
        await page.getByTestId('models-pager-next').click();
        await waitShown(page, 'model-row-', [5, 4, 3, 2, 1]);
        assert.equal(await page.getByTestId('models-pager-page').innerText(), 'page 2');
        assert.ok(await page.getByTestId('models-pager-next').isDisabled(), 'the last page');
        await page.getByTestId('models-pager-prev').click();
        await waitShown(page, 'model-row-', Array.from({ length: 25 }, (_, i) => RUNS - i));
      } finally {
        await page.close();
      }
    });

    it(`Runs: the same search box on the training view (${scheme})`, async () => {
      const page = await pageOf(browser, { viewport: { width: 1440, height: 900 }, colorScheme: scheme, bypassCSP: true });
      try {
        await page.goto(`${gw.url}/#/training`);
        await waitShown(page, 'runs-table-row-', Array.from({ length: 25 }, (_, i) => RUNS - i));
        await page.getByRole('searchbox', { name: 'search runs' }).fill('params.rounds >= 280');
        await page.getByRole('searchbox', { name: 'search runs' }).press('Enter');
        await waitShown(page, 'runs-table-row-', [30, 29, 28]);
        await page.getByTestId('sort-attributes.version').click();
        await waitShown(page, 'runs-table-row-', [28, 29, 30]);
        assert.deepEqual(await axeViolations(page), [], `axe on the searched Runs table (${scheme})`);
      } finally {
        await page.close();
      }
    });
  }

  it('a run recorded while a search is open shows up in it without a reload', async () => {
    const page = await pageOf(browser, { viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${gw.url}/#/models`);
      await page.getByRole('searchbox', { name: 'search versions' }).fill('metrics.wape >= 0.29');
      await page.getByTestId('models-search-go').click();
      await waitShown(page, 'model-row-', [30, 29]);
      await f.publisher.modelTrained({
        runId: randomUUID(), version: RUNS + 1, requestIds: [], trigger: 'manual', reasons: ['search test'], params: '{}', featureVersion: 'f', features: ['a'], horizon: 4,
        metrics: JSON.stringify({ model: { n: 10, wape: 0.5 } }), holdoutWeeks: [], dataMaxWeek: '2011-08-05', dataRows: 10, dataSeries: 1, topicOffsets: '{}', durationMs: 1000,
        artifactSha256: '', artifactUri: '', artifactBytes: 0, decision: 'rejected', decisionReason: 'late run', trainedAt: 1_700_000_000_000 + (RUNS + 1) * 60_000,
      });
      await waitShown(page, 'model-row-', [31, 30, 29]);
    } finally {
      await page.close();
    }
  });
});
