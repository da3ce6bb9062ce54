/**
 * The security headers in Debian's chromium: the dashboard (with its live
 * WebSocket) and Swagger UI work under the gateway's Content-Security-Policy
 * with no violation reported, every HTML page carries the headers, and the
 * token stays in session storage (the dashboard's #token= hand-over) or in
 * page memory (Swagger's Authorize), never in localStorage.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { buildDashboard, launchChromium, openDashboard, pageOf } from './test/browser.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { setUp, TOKEN, type Fixture } from '../gateway/test/fixture.js';

/** A page that records every CSP violation the browser reports (event and console). */
async function watchedPage(browser: Browser): Promise<{ page: Page; violations: string[] }> {
  const page = await pageOf(browser);
  const violations: string[] = [];
  page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && violations.push(m.text())));
  await page.exposeFunction('__cspViolation', (v: string) => void violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, violations };
}

describe('security headers and the token in chromium', { timeout: 240_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  let browser: Browser;
  const tmp = mkdtempSync(join(tmpdir(), 'sec-web-'));
  before(async () => {
    const webDir = join(tmp, 'dist');
    await buildDashboard(webDir);
    f = await setUp('sec-headers', { history: false });
    gw = await startGateway(f.cfg, { webDir });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('every HTML page carries CSP with frame-ancestors, nosniff and a referrer policy', async () => {
    for (const path of ['/', '/#/models', '/docs', '/docs/reference']) {
      const res = await fetch(`${gw.url}${path}`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/, `${path}: ${csp}`);
      assert.doesNotMatch(csp, /script-src[^;]*'unsafe-(inline|eval)'/, `${path}: no inline or eval script`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    }
    const api = await fetch(`${gw.url}/v1/models`);
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff', 'API answers too');
  });

  it('the dashboard runs under the policy: live WebSocket up, no violation; a #token= goes to sessionStorage and out of the URL', async () => {
    const { page, violations } = await watchedPage(browser);
    try {
      await openDashboard(page, `${gw.url}/#token=${TOKEN}`);
      await page.locator('main').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('forecast.token')), TOKEN);
      assert.equal(await page.evaluate(() => location.hash), '', 'the token left the address bar');
      assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
      for (const view of ['models', 'backtests', 'schedule', 'dead-letters', 'predict']) {
        await page.evaluate((v) => (location.hash = `#/${v}`), view);
        await page.waitForTimeout(300);
      }
      assert.deepEqual(violations, []);
    } finally {
      await page.close();
    }
  });

  it('Swagger UI runs under the policy and keeps the token out of localStorage', async () => {
    const { page, violations } = await watchedPage(browser);
    try {
      await page.goto(`${gw.url}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: /Authorize/ }).first().click();
      await page.locator('.modal-ux input[type=text], .modal-ux input[type=password]').first().fill(TOKEN);
      await page.locator('.modal-ux .auth-btn-wrapper button.authorize').click();
      await page.locator('.modal-ux .auth-btn-wrapper button.btn-done').click();
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
      assert.ok(!stored.includes(TOKEN), `the token is not in localStorage: ${stored}`);
      assert.deepEqual(violations, []);
    } finally {
      await page.close();
    }
  });

  it('the script-free reference renders its stylesheet under its own policy', async () => {
    const { page, violations } = await watchedPage(browser);
    try {
      await page.goto(`${gw.url}/docs/reference`);
      await page.locator('h1').first().waitFor();
      assert.deepEqual(violations, []);
    } finally {
      await page.close();
    }
  });
});
