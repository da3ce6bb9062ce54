/**
 * The backtest form refuses a last cut-off whose horizon cannot be scored,
 * in Debian's chromium, light and dark, against the real stack: the
 * fixture's history ends 2011-08-12, so with the default horizon of 4 the
 * last scorable cut-off is 2011-07-15. The refusal names the field and that
 * cut-off, nothing is sent; an empty last cut-off asks for the N weeks
 * ending on it. axe-core: no serious or critical WCAG A/AA violation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startGateway, type Gateway } from '../gateway/server.js';
import { setUp, TOKEN, type Fixture } from '../gateway/test/fixture.js';
import { buildDashboard, launchChromium, pageOf, axeViolations } from './test/browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'web-bt-scorable-'));

let f: Fixture;
let gw: Gateway;
let browser: Browser;

describe('backtest form: unscorable cut-offs refused, in chromium', { timeout: 240_000 }, () => {
  before(async () => {
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('bt-scorable-web');
    gw = await startGateway(f.cfg, { webDir });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`refuses a last cut-off past 2011-07-15 naming the field; an empty one asks for the weeks ending there (${scheme})`, async () => {
      const page = await pageOf(browser, { viewport: { width: 1440, height: 900 }, colorScheme: scheme, bypassCSP: true });
      const posted: unknown[] = [];
      page.on('request', (r) => void (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/backtests' && posted.push(r.postDataJSON())));
      try {
        await page.addInitScript((t) => sessionStorage.setItem('forecast.token', t), TOKEN);
        await page.goto(`${gw.url}/#/backtests`);
        await page.getByTestId('bt-scorable').filter({ hasText: 'Cut-offs up to 2011-07-15 can be scored on 4 weeks after them (the data ends 2011-08-12)' }).waitFor({ timeout: 20_000 });
        await page.getByTestId('bt-lastCutoff').fill('2011-08-05');
        await page.getByTestId('bt-submit').click();
        const error = page.getByTestId('bt-error');
        await error.waitFor({ timeout: 10_000 });
        assert.equal(
          await error.innerText(),
          'last cut-off: expected a cut-off on or before 2011-07-15, the last one whose 4 weeks after it have actual sales to score (the data ends 2011-08-12), got "2011-08-05"',
        );
        assert.equal(await error.getAttribute('role'), 'alert');
        assert.deepEqual(posted, [], 'nothing sent');
        assert.deepEqual(await axeViolations(page), [], `axe with the refusal shown (${scheme})`);

        await page.getByTestId('bt-lastCutoff').fill('');
        await page.getByTestId('bt-cutoffs').fill('2');
        await page.getByTestId('bt-submit').click();
        await page.getByTestId('bt-progress').waitFor({ timeout: 15_000 });
        assert.equal(await page.getByTestId('bt-error').count(), 0);
        assert.deepEqual(posted, [{ from: '2011-07-08', to: '2011-07-15', horizon: 4, refitEvery: 2 }]);
      } finally {
        await page.close();
      }
    });
  }
});
