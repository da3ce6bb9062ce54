/**
 * POST /v1/backtests refuses a range of cut-offs reaching past the last
 * scorable one, against the real Kafka: the fixture's history ends
 * 2011-08-12 (80 weeks from 2010-02-05), so with horizon 2 the last
 * cut-off whose two following weeks have actuals is 2011-07-29. Nothing is
 * queued for a refused request; one ending on 2011-07-29 is accepted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readTopic } from '../trainer/test/fixture.js';
import { BACKTEST_REQUESTED } from '../domain/contracts.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, setUp, type Fixture } from './test/fixture.js';

describe('backtest cut-offs that cannot be scored are refused', { timeout: 120_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  before(async () => {
    f = await setUp('bt-scorable');
    gw = await startGateway(f.cfg);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  it('422 naming to (and from), with the last scorable cut-off; nothing queued', async () => {
    const r = await call(gw.url, 'POST', '/v1/backtests', { from: '2011-06-03', to: '2011-08-05', horizon: 2 }, auth);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.deepEqual(r.body.error.details, [
      { field: 'to', expected: 'a cut-off on or before 2011-07-29, the last one whose 2 weeks after it have actual sales to score (the data ends 2011-08-12)', got: '"2011-08-05"' },
    ]);
    const both = await call(gw.url, 'POST', '/v1/backtests', { from: '2011-08-05', to: '2011-08-12', horizon: 4 }, auth);
    assert.equal(both.status, 422);
    assert.deepEqual(both.body.error.details.map((d: { field: string }) => d.field), ['from', 'to']);
    assert.match(both.body.error.message, /^from: expected a cut-off on or before 2011-07-15, /);
    assert.deepEqual(await readTopic(f.cfg, f.cfg.topics.backtestRequests, BACKTEST_REQUESTED), []);
  });

  it('a range ending on the last scorable cut-off is queued', async () => {
    const r = await call(gw.url, 'POST', '/v1/backtests', { from: '2011-07-01', to: '2011-07-29', horizon: 2 }, auth);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const [e] = await readTopic(f.cfg, f.cfg.topics.backtestRequests, BACKTEST_REQUESTED);
    assert.deepEqual([e!.fromWeek, e!.toWeek, e!.horizon], ['2011-07-01', '2011-07-29', 2]);
  });
});
