/**
 * The interactive API reference (/docs, Swagger UI from node_modules) in
 * Debian's chromium: it renders every operation from /openapi.json, filters
 * them, and tries a write out with the bearer token entered through
 * Authorize, which reaches the real gateway and the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './test/browser.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { setUp, TOKEN, type Fixture } from '../gateway/test/fixture.js';


describe('interactive API reference in chromium', { timeout: 180_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  let browser: Browser;
  let page: Page;
  before(async () => {
    f = await setUp('docs', { history: false });
    gw = await startGateway(f.cfg);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
    await f?.cleanup();
  });

  it('renders every operation of the document, offline assets only', async () => {
    const outside: string[] = [];
    page.on('request', (r) => void (new URL(r.url()).origin !== new URL(gw.url).origin && outside.push(r.url())));
    await page.goto(`${gw.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).filter((k) => ['get', 'post', 'put', 'delete', 'patch'].includes(k)).length, 0);
    assert.equal(await page.locator('.opblock').count(), operations);
    assert.deepEqual(outside, [], 'nothing is fetched from another host');
    await page.screenshot({ path: 'docs/api-reference.png' });
  });

  it('filters operations by tag', async () => {
    await page.locator('.operation-filter-input').fill('operations');
    await page.waitForFunction(() => document.querySelectorAll('.opblock-tag-section').length === 1);
    await page.locator('.operation-filter-input').fill('');
  });

  it('tries out a write with the token entered through Authorize', async () => {
    await page.getByRole('button', { name: /Authorize/ }).first().click();
    await page.locator('.modal-ux input[type=text], .modal-ux input[type=password]').first().fill(TOKEN);
    await page.locator('.modal-ux .auth-btn-wrapper button.authorize').click();
    await page.locator('.modal-ux .auth-btn-wrapper button.btn-done').click();
    const op = page.locator('#operations-operations-postV1SchedulePause');
    await op.locator('.opblock-summary').click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.locator('textarea.body-param__text').fill('{"reason":"from the docs"}');
    await op.getByRole('button', { name: 'Execute' }).click();
    await op.locator('.live-responses-table tr.response .response-col_status').first().waitFor({ timeout: 15_000 });
    assert.equal((await op.locator('.live-responses-table tr.response .response-col_status').first().innerText()).trim(), '202');
    const s = (await (await fetch(`${gw.url}/v1/schedule`)).json()) as { paused: boolean; reason: string };
    assert.equal(s.paused, true);
    assert.equal(s.reason, 'from the docs');
  });
});
