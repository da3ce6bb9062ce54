/**
 * POST /v1/backtests against the real Kafka: the body is checked with the
 * CLI's rules (errors name the field) before anything is appended, and a
 * valid one is listed at once and queued on backtest.requests for the trainer (runner
 * "trainer") with the trainer's XGBoost defaults under the overrides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readTopic } from '../trainer/test/fixture.js';
import { BACKTEST_REQUESTED } from '../domain/contracts.js';
import { DEFAULT_TRAIN_PARAMS } from '../domain/training/request.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, setUp, type Fixture } from './test/fixture.js';

describe('starting a backtest over the gateway', { timeout: 120_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  before(async () => {
    f = await setUp('bt-start', { history: false });
    gw = await startGateway(f.cfg);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  it('refuses bad bodies naming the field, and appends nothing', async () => {
    // a field out of its documented shape is a 400; fields that contradict each other a 422
    const cases: [unknown, string, number][] = [
      [{ cutoffs: 0 }, 'cutoffs', 400],
      [{ horizon: 53 }, 'horizon', 400],
      [{ from: '2011-02-30', to: '2011-03-04' }, 'from', 400],
      [{ params: { rounds: 0 } }, 'params.rounds', 400],
      [{ params: { depth: 3 } }, 'params.depth', 400],
      [{ series: ['1-1'] }, 'series.0', 400],
      [{ cutoffs: 4, from: '2011-01-07', to: '2011-03-04' }, 'cutoffs', 422],
      [{ from: '2011-01-07' }, 'to', 422],
      [{ from: '2011-03-04', to: '2011-01-07' }, 'to', 422],
    ];
    for (const [body, field, status] of cases) {
      const r = await call(gw.url, 'POST', '/v1/backtests', body, auth);
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.field, field, JSON.stringify(body));
    }
    assert.equal((await call(gw.url, 'POST', '/v1/backtests', {})).status, 401);
    assert.deepEqual(await readTopic(f.cfg, f.cfg.topics.backtestRequests, BACKTEST_REQUESTED), []);
  });

  it('queues a valid one for the trainer with the defaults under the overrides', async () => {
    const r = await call(gw.url, 'POST', '/v1/backtests', { cutoffs: 3, horizon: 2, refitEvery: 3, params: { rounds: 20 }, reason: 'api test' }, auth);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.body.backtestId, /^bt-\d{8}-\d{6}-[0-9a-f]{6}$/);
    assert.equal(r.body.statusUrl, `/v1/backtests/${r.body.backtestId}`);
    const [e] = await readTopic(f.cfg, f.cfg.topics.backtestRequests, BACKTEST_REQUESTED);
    assert.equal(e!.backtestId, r.body.backtestId);
    assert.equal(e!.runner, 'trainer');
    assert.deepEqual([e!.cutoffCount, e!.fromWeek, e!.horizon, e!.refitEvery, e!.reason], [3, null, 2, 3, 'api test']);
    assert.deepEqual(JSON.parse(e!.params), { ...DEFAULT_TRAIN_PARAMS, rounds: 20 });
    assert.match(e!.requestedBy, /^gateway:/);
    // listed at once, before any trainer takes it
    const listed = await call(gw.url, 'GET', r.body.statusUrl);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.equal(listed.body.status, 'requested');
    assert.equal(listed.body.reason, 'api test');
  });
});
