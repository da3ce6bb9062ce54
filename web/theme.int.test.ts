/**
 * The dashboard in Debian's chromium against a gateway whose reads are
 * closed: dark mode follows prefers-color-scheme, and once the token is set
 * every call to the API carries it (reads and predictions too), so nothing
 * the dashboard asks for gets a 401.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser } from 'playwright-core';
import { launchChromium } from './test/browser.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { setUp, TOKEN, type Fixture } from '../gateway/test/fixture.js';


describe('dashboard theme and token in chromium', { timeout: 180_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  let browser: Browser;
  before(async () => {
    f = await setUp('theme', { patch: (d) => (d.gateway.openReads = false) });
    gw = await startGateway(f.cfg);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
  });

  for (const [scheme, bg] of [['light', 'rgb(245, 247, 251)'], ['dark', 'rgb(17, 21, 28)']] as const) {
    it(`follows prefers-color-scheme: ${scheme}`, async () => {
      const page = await browser.newPage({ colorScheme: scheme });
      try {
        await page.goto(gw.url);
        await page.locator('main').waitFor();
        assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), bg);
        if (scheme === 'dark') await page.screenshot({ path: 'docs/dashboard-dark.png' });
      } finally {
        await page.close();
      }
    });
  }

  it('sends the token on every API call once it is set, so closed reads answer', async () => {
    const page = await browser.newPage();
    const calls: { url: string; auth: string | undefined; status?: number }[] = [];
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/v1/')) calls.push({ url: u.pathname, auth: r.request().headers().authorization, status: r.status() });
    });
    try {
      await page.addInitScript((t) => sessionStorage.setItem('forecast.token', t), TOKEN);
      await page.goto(`${gw.url}/#/predict`);
      await page.waitForTimeout(3000);
      assert.ok(calls.length > 0, 'the dashboard called the API');
      for (const c of calls) {
        assert.equal(c.auth, `Bearer ${TOKEN}`, `${c.url} carries the token`);
        assert.notEqual(c.status, 401, `${c.url} is answered`);
      }
    } finally {
      await page.close();
    }
  });
});
