/**
 * The backtest reads against the real stack: an empty list before the first
 * backtest; a tiny real backtest (2 cut-offs, h = 1..2, one small XGBoost
 * fit) listed with its WAPEs, its detail with by-horizon columns, its report
 * served as HTML; a failed one listed as failed; 404 for an unknown id or a
 * report this machine has no copy of, 400 naming the field for a malformed
 * id or limit; the three routes in /openapi.json.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../lib/log.js';
import { BACKTEST_FILES, parseRequest, runBacktest, type BacktestResult } from '../trainer/backtest/index.js';
import { BacktestDetail, BacktestsResponse } from '../domain/backtest/api.js';
import { startGateway, type Gateway } from './server.js';
import { call, setUp, type Fixture } from './test/fixture.js';

const stackDir = mkdtempSync(join(tmpdir(), 'gateway-backtests-'));
const UNKNOWN = 'bt-20990101-000000-abcdef';
const FAILED = 'bt-20300101-000000-000002';
let f: Fixture;
let gw: Gateway;
let bt: BacktestResult;

describe('backtest reads', { timeout: 180_000 }, () => {
  before(async () => {
    f = await setUp('backtests', { patch: (d) => (d.stackDir = stackDir) });
    gw = await startGateway(f.cfg);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('lists nothing before the first backtest', async () => {
    const r = await call(gw.url, 'GET', '/v1/backtests');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { backtests: [] });
  });

  it('lists a finished backtest with its cut-offs, horizon and overall WAPE per method', async () => {
    const log = createLogger('backtest-test');
    bt = await runBacktest(f.cfg, parseRequest({ cutoffs: 2, horizon: 2, refitEvery: 2, params: { rounds: 20, nthread: 1 }, reason: 'gateway test' }, 4), { log });
    await assert.rejects(runBacktest(f.cfg, parseRequest({ from: '2030-01-04', to: '2030-02-01' }, 4), { log, id: FAILED }));
    const r = await call(gw.url, 'GET', '/v1/backtests');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const body = BacktestsResponse.parse(r.body);
    assert.deepEqual(body.backtests.map((b) => b.id).sort(), [bt.id, FAILED].sort());
    const b = body.backtests.find((x) => x.id === bt.id)!;
    assert.equal(b.status, 'finished');
    assert.equal(b.reason, 'gateway test');
    assert.deepEqual(b.cutoffs, { count: 2, first: bt.cutoffs[0], last: bt.cutoffs[1] });
    assert.equal(b.horizon, 2);
    assert.equal(b.refitEvery, 2);
    assert.ok(Math.abs(b.wape.model! - bt.metrics.overall.model!.wape) < 1e-12);
    assert.ok(b.wape.lastValue! > 0);
    assert.equal(b.reportUrl, `/v1/backtests/${bt.id}/report`);
    const failed = body.backtests.find((x) => x.id === FAILED)!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.failure ?? '', /^BACKTEST_DATA: /);
    assert.equal(failed.reportUrl, null);
    const limited = await call(gw.url, 'GET', '/v1/backtests?limit=1');
    assert.equal(limited.body.backtests.length, 1);
  });

  it('shows one backtest with WAPE by horizon and by cut-off as columns', async () => {
    const r = await call(gw.url, 'GET', `/v1/backtests/${bt.id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const d = BacktestDetail.parse(r.body);
    assert.deepEqual(d.byHorizon.horizon, [1, 2]);
    assert.deepEqual(Object.keys(d.byHorizon.wape), bt.metrics.methods);
    assert.deepEqual(d.byHorizon.wape.model, bt.metrics.byHorizon.map((g) => g.metrics.model!.wape));
    assert.deepEqual(d.byCutoff.cutoff, bt.cutoffs);
    assert.deepEqual(d.cutoffList, bt.cutoffs);
  });

  it('serves the report as HTML, under a policy that lets its inline script run but load or send nothing', async () => {
    const res = await fetch(`${gw.url}/v1/backtests/${bt.id}/report`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /^default-src 'none'; script-src 'unsafe-inline';/, csp);
    assert.doesNotMatch(csp, /connect-src/, 'no fetch or WebSocket anywhere (default-src none)');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    assert.ok(html.includes(bt.id) && /<html/i.test(html), html.slice(0, 200));
  });

  it('serves metrics.csv and points.csv as downloads, byte for byte what the backtest wrote', async () => {
    for (const file of [BACKTEST_FILES.metricsCsv, BACKTEST_FILES.pointsCsv]) {
      const res = await fetch(`${gw.url}/v1/backtests/${bt.id}/${file}`);
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="${bt.id}-${file}"`);
      assert.equal(await res.text(), readFileSync(join(stackDir, 'backtests', bt.id, file), 'utf8'));
    }
  });

  it('404 for an unknown id, naming it; 404 saying why for a report that is not here', async () => {
    const unknown = await call(gw.url, 'GET', `/v1/backtests/${UNKNOWN}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'NOT_FOUND');
    assert.equal(unknown.body.error.message, `backtest ${UNKNOWN} not found`);
    assert.equal((await call(gw.url, 'GET', `/v1/backtests/${UNKNOWN}/report`)).status, 404);

    const failed = await call(gw.url, 'GET', `/v1/backtests/${FAILED}/report`);
    assert.equal(failed.status, 404);
    assert.equal(failed.body.error.code, 'REPORT_NOT_HERE');
    assert.match(failed.body.error.message, /failed \(BACKTEST_DATA: .*\), so it has no report/);

    // as on a gateway that runs on another machine than the backtest
    rmSync(join(stackDir, 'backtests', bt.id, BACKTEST_FILES.report));
    const gone = await call(gw.url, 'GET', `/v1/backtests/${bt.id}/report`);
    assert.equal(gone.status, 404);
    assert.match(gone.body.error.message, new RegExp(`the report of backtest ${bt.id} is not on this gateway's machine .* it was written on the machine that ran it`));
    assert.doesNotMatch(gone.body.error.message, /\//, 'no absolute path in an open answer');
    const listed = await call(gw.url, 'GET', `/v1/backtests/${bt.id}`);
    assert.equal(listed.body.reportUrl, null);
  });

  for (const [path, field] of [
    ['/v1/backtests/not-an-id', 'id'],
    ['/v1/backtests/bt-2024-01-31/report', 'id'],
    ['/v1/backtests/..%2F..%2Fetc%2Fpasswd/report', 'id'],
    ['/v1/backtests?limit=0', 'limit'],
    ['/v1/backtests?limit=ten', 'limit'],
  ] as const) {
    it(`GET ${path} -> 400 naming ${field}`, async () => {
      const r = await call(gw.url, 'GET', path);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.field, field);
      assert.match(r.body.error.message, new RegExp(`^${field}: expected `));
    });
  }

  it('documents the three routes in /openapi.json, the report as text/html', async () => {
    const r = await call(gw.url, 'GET', '/openapi.json');
    for (const p of ['/v1/backtests', '/v1/backtests/{id}', '/v1/backtests/{id}/report']) assert.ok(r.body.paths[p]?.get, `documents ${p}`);
    assert.ok(r.body.paths['/v1/backtests/{id}/report'].get.responses['200'].content['text/html']);
    assert.ok(r.body.paths['/v1/backtests/{id}'].get.responses['404']);
    assert.ok(r.body.components.schemas.BacktestSummary);
  });
});
