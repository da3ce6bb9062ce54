/**
 * The forecast projection against the real stack: the gateway publishes the
 * champion's forecasts of every series on catch-up, on a new week (that
 * series only) and on a promotion (all of them again); the projector writes
 * one row per horizon; /v1/forecast and /v1/predict answer from the cache
 * and say so, a what-if is computed; a restarted gateway publishes nothing
 * it already published; the bulk export streams CSV and NDJSON; a replay
 * into a fresh table rebuilds it row for row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClickhouse, rows } from '../lib/clickhouse/client.js';
import { eventually } from '../lib/testing.js';
import { addWeeks } from '../lib/weeks.js';
import { startProjector, type Projector } from '../lib/projection/projector.js';
import { FORECAST_PROJECTION } from '../domain/forecasts/io/projection.js';
import { dropForecastTable } from '../domain/forecasts/io/table.js';
import { seriesKey } from '../schemas/types.js';
import { startGateway, type Gateway } from './server.js';
import { call, publishModel, setUp, trainModel, type Fixture } from './test/fixture.js';

const H = 4;
let f: Fixture;
let gw: Gateway;
let projector: Projector;
let onnx: Buffer;
let ch: ReturnType<typeof createClickhouse>;
const table = () => `${f.cfg.clickhouse.database}.forecasts`;
// series rows unless told: the gateway also publishes total, store and dept rows (gateway/hierarchy.int.test.ts)
const count = async (where = '1', level = "level = 'series'") => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${table()} FINAL WHERE ${level} AND (${where})`))[0]!.n);
const content = () => rows(ch, `SELECT store, dept, toString(origin) AS o, toString(week) AS w, horizon, forecast, lower_80, upper_95, model_version, published_at FROM ${table()} FINAL ORDER BY store, dept, o, model_version, horizon`);

describe('forecast projection', { timeout: 300_000 }, () => {
  before(async () => {
    f = await setUp('forecasts');
    ch = createClickhouse(f.cfg);
    onnx = await trainModel(f.series);
    projector = await startProjector(f.cfg, FORECAST_PROJECTION, { flushMs: 50 });
    await publishModel(f, 1, onnx);
    gw = await startGateway(f.cfg, { webDir: '/nonexistent' });
  });
  after(async () => {
    await gw?.close();
    await projector?.stop();
    await ch?.close();
    await f?.cleanup();
  });

  it('publishes every series once the gateway caught up: one row per series and horizon', async () => {
    const series = gw.store.size;
    assert.equal(series, f.series.size, 'every series of the fixture history');
    assert.ok(await eventually(() => gw.publisher.published === series, 60_000), `published ${gw.publisher.published} of ${series}`);
    assert.ok(await eventually(async () => (await count()) === series * H, 30_000), `rows: ${await count()}`);
    assert.equal(await count('model_version = 1'), series * H);
    assert.equal(await count(`trigger = 'catch-up'`), series * H);
    const origins = await rows<{ store: number; dept: number; o: string }>(ch, `SELECT store, dept, toString(any(origin)) AS o FROM ${table()} WHERE level = 'series' GROUP BY store, dept`);
    for (const r of origins) {
      const h = gw.store.get(Number(r.store), Number(r.dept));
      assert.equal(r.o, h.weekAt(h.length - 1), `origin of ${r.store}:${r.dept} is its last week`);
    }
  });

  it('answers /v1/forecast from the cache, with the numbers computing it gives', async () => {
    const cached = await call(gw.url, 'GET', `/v1/forecast?store=1&dept=1&horizon=${H}`);
    assert.equal(cached.status, 200, JSON.stringify(cached.body));
    assert.ok(gw.forecasts.get(seriesKey(1, 1)), `1:1 is cached (${gw.forecasts.size} series cached)`);
    assert.equal(cached.body.source, 'cache');
    gw.forecasts.invalidate(seriesKey(1, 1));
    const computed = await call(gw.url, 'GET', `/v1/forecast?store=1&dept=1&horizon=${H}`);
    assert.equal(computed.body.source, 'computed');
    assert.deepEqual(computed.body.points, cached.body.points);
    assert.equal(computed.body.points.length, H);
  });

  it('answers /v1/predict for the last origin from the cache, and computes a what-if and another origin', async () => {
    const h = gw.store.get(2, 3);
    const next = addWeeks(h.weekAt(h.length - 1), 2);
    const r = await call(gw.url, 'POST', '/v1/predict', { items: [{ store: 2, dept: 3, week: next }, { store: 2, dept: 3, week: next, temperature: 99 }, { store: 2, dept: 3, week: h.weekAt(h.length - 5) }] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.predictions.map((p: { source: string }) => p.source), ['cache', 'computed', 'computed']);
    assert.equal(r.body.cached, 1);
    const fc = await call(gw.url, 'GET', '/v1/forecast?store=2&dept=3&horizon=2');
    assert.equal(r.body.predictions[0].forecast, fc.body.points[1].forecast);
  });

  it('the fast path in front of Koa answers exactly as the declared route (a query string sends a request to Koa)', async () => {
    const h = gw.store.get(1, 2);
    const next = addWeeks(h.weekAt(h.length - 1), 1);
    const bodies = [
      JSON.stringify({ items: [{ store: 1, dept: 2, week: next }, { store: 1, dept: 2, week: h.weekAt(h.length - 3) }, { store: 1, dept: 2, week: next, fuelPrice: 4 }] }),
      JSON.stringify({ store: 1, dept: 2, week: next }),
      JSON.stringify({ store: 1, dept: 2, week: '2011-02-30' }),
      JSON.stringify({ items: [{ store: 1, dept: 2, week: next }, { store: 999, dept: 2, week: next }] }),
      JSON.stringify({ store: 1, dept: 2, week: addWeeks(next, 40) }),
      '{"store": 1,',
    ];
    const taken = gw.fastPath!.taken;
    for (const body of bodies) {
      const post = (path: string) => fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const [fast, koa] = await Promise.all([post('/v1/predict'), post('/v1/predict?alias=champion')]);
      assert.equal(fast.status, koa.status, body);
      assert.equal(fast.headers.get('content-type'), koa.headers.get('content-type'), body);
      assert.equal(await fast.text(), await koa.text(), body);
    }
    assert.equal(gw.fastPath!.taken - taken, bodies.length, 'the fast path took the requests without a query string, and only those');
  });

  it('a new week of one series republishes that series only', async () => {
    const series = gw.store.size;
    const h = gw.store.get(3, 2);
    const week = addWeeks(h.weekAt(h.length - 1), 1);
    const last = f.events.filter((e) => e.store === 3 && e.dept === 2).at(-1)!;
    await f.sales.send([{ ...last, eventId: `3-2-${week}`, week, weeklySales: last.weeklySales * 1.1 }]);
    assert.ok(await eventually(async () => (await count()) === series * H + H, 30_000), `rows: ${await count()}`);
    assert.equal(await count(`trigger = 'week'`), H);
    assert.equal(await count(`store = 3 AND dept = 2 AND origin = toDate('${week}')`), H);
    const fc = await call(gw.url, 'GET', `/v1/forecast?store=3&dept=2&horizon=${H}`);
    assert.equal(fc.body.origin, week);
    assert.equal(fc.body.source, 'cache');
  });

  it('a week that arrives while a pass is scoring: the event is for the data it was computed from, nothing is dead-lettered', async () => {
    const model = gw.holder.current!;
    const h = gw.store.get(2, 3);
    const w1 = addWeeks(h.weekAt(h.length - 1), 1);
    const w2 = addWeeks(w1, 1);
    const last = f.events.filter((e) => e.store === 2 && e.dept === 3).at(-1)!;
    const weekOf = (week: string) => ({ ...last, eventId: `2-3-${week}`, week });
    const lastWeek = () => gw.store.get(2, 3).weekAt(gw.store.get(2, 3).length - 1);
    const score = model.scorer.score.bind(model.scorer);
    let injected = false;
    // the first scoring call after w1 waits until the follower applied w2: the race of a normal run, made certain
    model.scorer.score = async (X, n) => {
      if (!injected) {
        injected = true;
        await f.sales.send([weekOf(w2)]);
        assert.ok(await eventually(() => lastWeek() === w2, 15_000), 'the gateway applied w2 while the pass was scoring');
      }
      return score(X, n);
    };
    try {
      const dead = projector.counts().dead;
      await f.sales.send([weekOf(w1)]);
      assert.ok(await eventually(async () => (await count(`store = 2 AND dept = 3 AND origin = toDate('${w2}')`)) === H, 30_000), 'w2 is published by the next pass');
      assert.ok(injected);
      assert.equal(await count(`store = 2 AND dept = 3 AND origin = toDate('${w1}')`), H, 'the pass that was scoring published origin w1, its own data');
      assert.equal(await count(`store = 2 AND dept = 3 AND origin = toDate('${w1}') AND horizon = 1 AND week = toDate('${w2}')`), 1);
      assert.equal(projector.counts().dead, dead, 'the projector refused none of the events');
      const fc = await call(gw.url, 'GET', `/v1/forecast?store=2&dept=3&horizon=${H}`);
      assert.equal(fc.body.origin, w2);
      assert.equal(fc.body.source, 'cache');
    } finally {
      model.scorer.score = score;
    }
  });

  it('a promotion republishes every series for the new champion', async () => {
    const series = gw.store.size;
    const before = gw.publisher.published;
    await publishModel(f, 2, onnx, { previousVersion: 1 });
    assert.ok(await eventually(async () => (await count('model_version = 2')) === series * H, 60_000), `v2 rows: ${await count('model_version = 2')}`);
    assert.equal(gw.publisher.published - before, series);
    assert.equal(await count(`trigger = 'promotion'`), series * H);
    const fc = await call(gw.url, 'GET', '/v1/forecast?store=1&dept=1');
    assert.equal(fc.body.modelVersion, 2);
    assert.equal(fc.body.source, 'cache');
  });

  it('a restarted gateway publishes nothing it already published (the cache is replayed from the topic)', async () => {
    const second = await startGateway(f.cfg, { webDir: '/nonexistent' });
    try {
      assert.equal(second.forecasts.size, gw.store.size);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(second.publisher.published, 0);
      const fc = await call(second.url, 'GET', '/v1/forecast?store=1&dept=1');
      assert.equal(fc.body.source, 'cache');
    } finally {
      await second.close();
    }
  });

  it('streams the bulk export of a week as CSV and as NDJSON', async () => {
    const h = gw.store.get(1, 1);
    const week = addWeeks(h.weekAt(h.length - 1), 2);
    const expected = await count(`week = toDate('${week}')`, '1');
    assert.ok(expected > 0);
    const csv = await fetch(`${gw.url}/v1/forecasts?week=${week}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], '"store","dept","origin","week","horizon","forecast","lower_80","upper_80","lower_95","upper_95","model_version","published_at","level"');
    assert.equal(lines.length - 1, expected);
    const nd = await fetch(`${gw.url}/v1/forecasts?week=${week}&modelVersion=2`, { headers: { accept: 'application/x-ndjson' } });
    assert.match(nd.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    const objs = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l) as { week: string; model_version: number; published_at: number });
    assert.equal(objs.length, await count(`week = toDate('${week}') AND model_version = 2`, '1'));
    assert.ok(objs.every((o) => o.week === week && o.model_version === 2 && typeof o.published_at === 'number'));
    const bad = await call(gw.url, 'GET', '/v1/forecasts?week=2011-02-30');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'week');
  });

  it('a replay into a fresh table rebuilds it row for row', async () => {
    assert.ok(await projector.caughtUp(30_000));
    const live = await content();
    await projector.stop();
    await dropForecastTable(ch, f.cfg.clickhouse.database);
    projector = await startProjector(f.cfg, FORECAST_PROJECTION, { groupId: `${f.prefix}replay`, flushMs: 50 });
    assert.ok(await projector.caughtUp(30_000));
    assert.deepEqual(await content(), live);
    assert.ok(live.length >= gw.store.size * H * 2 + H);
  });
});
