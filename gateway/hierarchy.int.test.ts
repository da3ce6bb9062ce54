/**
 * Coherent forecasts per level against the real stack: once the gateway has
 * published the champion's forecasts of a small set of series (3 stores x 4
 * departments, 10 of the 12 pairs), it publishes the total, every store and every department;
 * the projector writes them with their `level`, and from the table the total
 * equals the sum of the stores, of the departments and of the series at every
 * horizon. GET /v1/forecast?level=... serves the same numbers and refuses a
 * level without the key it needs. forecast.published gained `level` with a
 * default: the registry accepts it, and an event written before decodes as a
 * series; a forecasts table created before gets the column in place.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AvroCodec, contractText } from '../lib/avro/codec.js';
import { createClickhouse, exec, rows } from '../lib/clickhouse/client.js';
import { eventually } from '../lib/testing.js';
import { startProjector, type Projector } from '../lib/projection/projector.js';
import { FORECAST_PUBLISHED } from '../domain/contracts.js';
import { FORECAST_PROJECTION } from '../domain/forecasts/io/projection.js';
import { forecastTable } from '../domain/forecasts/table.js';
import { createForecastTable } from '../domain/forecasts/io/table.js';
import { tableDdl } from '../lib/clickhouse/ddl.js';
import type { ConformalIntervals } from '../domain/intervals/conformal.js';
import { startGateway, type Gateway } from './server.js';
import { call, publishModel, setUp, SIM, trainModel, type Fixture } from './test/fixture.js';

const H = 4;
const INTERVALS: ConformalIntervals = { method: 'conformal-relative-abs', levels: [0.8, 0.95], halfWidth: [[0.1, 0.2, 0.3, 0.4], [0.2, 0.4, 0.6, 0.8]], n: [10, 10, 10, 10] };
let f: Fixture;
let gw: Gateway;
let projector: Projector;
let ch: ReturnType<typeof createClickhouse>;

interface Row { level: string; store: number; dept: number; horizon: number; forecast: number; lower_80: number | null; upper_80: number | null }

describe('coherent forecasts per level of the hierarchy', { timeout: 300_000 }, () => {
  before(async () => {
    f = await setUp('hierarchy');
    ch = createClickhouse(f.cfg);
    const onnx = await trainModel(f.series);
    projector = await startProjector(f.cfg, FORECAST_PROJECTION, { flushMs: 50 });
    await publishModel(f, 1, onnx, { intervals: INTERVALS });
    gw = await startGateway(f.cfg, { webDir: '/nonexistent' });
  });
  after(async () => {
    await gw?.close();
    await projector?.stop();
    await ch?.close();
    await f?.cleanup();
  });

  /** The rows of model v1 from the latest origin, as the projection holds them. */
  async function latestRows(): Promise<Row[]> {
    const db = f.cfg.clickhouse.database;
    return (
      await rows<Row>(
        ch,
        `SELECT level, store, dept, horizon, forecast, lower_80, upper_80 FROM ${db}.forecasts FINAL
         WHERE model_version = 1 AND origin = (SELECT max(origin) FROM ${db}.forecasts WHERE level = 'total') ORDER BY level, store, dept, horizon`,
      )
    ).map((r) => ({ ...r, store: Number(r.store), dept: Number(r.dept), horizon: Number(r.horizon) }));
  }

  it('publishes total, stores and depts that add up: total = sum of stores = sum of depts = sum of series, at every horizon', async () => {
    assert.equal(gw.store.size, f.series.size);
    // the generator leaves some departments out of some stores: the hierarchy is built from the keys
    const stores = new Set([...gw.store.all()].map((h) => h.store)).size;
    const depts = new Set([...gw.store.all()].map((h) => h.dept)).size;
    assert.equal(stores, SIM.stores);
    const AGGREGATES = 1 + stores + depts;
    assert.ok(await eventually(() => gw.publisher.aggregatesPublished >= AGGREGATES, 60_000), `aggregates published: ${gw.publisher.aggregatesPublished}`);
    assert.ok(await eventually(async () => (await latestRows()).filter((r) => r.level !== 'series').length === AGGREGATES * H, 30_000), 'the projector wrote every aggregate row');
    const all = await latestRows();
    const at = (level: string, k: number) => all.filter((r) => r.level === level && r.horizon === k);
    const sum = (rs: Row[]) => rs.reduce((s, r) => s + r.forecast, 0);
    for (let k = 1; k <= H; k++) {
      const total = at('total', k);
      assert.equal(total.length, 1);
      assert.deepEqual([total[0]!.store, total[0]!.dept], [0, 0]);
      assert.equal(at('store', k).length, stores);
      assert.equal(at('dept', k).length, depts);
      assert.equal(at('series', k).length, f.series.size, 'every series from the same origin');
      // forecasts are rounded to cents; a sum of 12 rounded values may differ from the rounded sum by a few cents
      for (const level of ['store', 'dept', 'series']) assert.ok(Math.abs(total[0]!.forecast - sum(at(level, k))) < 0.06, `h ${k}: total ${total[0]!.forecast} vs ${level} ${sum(at(level, k))}`);
      for (const s of at('store', k)) assert.ok(Math.abs(s.forecast - sum(at('series', k).filter((r) => r.store === s.store))) < 0.06, `store ${s.store} adds up`);
      // the total's interval is wider than any store's and narrower than the sum of the stores' (0 < rho < 1)
      const width = (r: Row) => r.upper_80! - r.lower_80!;
      assert.ok(at('store', k).every((s) => width(total[0]!) > width(s)) && width(total[0]!) < at('store', k).reduce((s, r) => s + width(r), 0));
    }
  });

  it('serves every level on GET /v1/forecast with the published numbers', async () => {
    const all = await latestRows();
    const total = await call(gw.url, 'GET', '/v1/forecast?level=total');
    assert.equal(total.status, 200, JSON.stringify(total.body));
    assert.equal(total.body.level, 'total');
    assert.deepEqual(total.body.points.map((p: { forecast: number }) => p.forecast), all.filter((r) => r.level === 'total').map((r) => r.forecast));
    assert.deepEqual(total.body.points[0].intervals.map((i: { level: number }) => i.level), [0.8, 0.95]);
    const store = await call(gw.url, 'GET', '/v1/forecast?level=store&store=2&horizon=2');
    assert.equal(store.status, 200, JSON.stringify(store.body));
    assert.deepEqual([store.body.store, store.body.dept, store.body.points.length], [2, 0, 2]);
    assert.equal(store.body.points[1].forecast, all.find((r) => r.level === 'store' && r.store === 2 && r.horizon === 2)!.forecast);
    const dept = await call(gw.url, 'GET', '/v1/forecast?level=dept&dept=3');
    assert.equal(dept.status, 200, JSON.stringify(dept.body));
    assert.equal(dept.body.points[0].forecast, all.find((r) => r.level === 'dept' && r.dept === 3 && r.horizon === 1)!.forecast);
    const series = await call(gw.url, 'GET', '/v1/forecast?level=series&store=1&dept=1');
    assert.equal(series.status, 200);
    assert.equal(series.body.source, 'cache');
  });

  it('GET /v1/series/level: an aggregate\'s actuals are its series\' sales summed per week, up to the published origin; bad combinations are 422 naming the field', async () => {
    const sumOf = (keep: (store: number, dept: number) => boolean) => {
      const m = new Map<string, number>();
      for (const e of f.events) if (keep(e.store, e.dept)) m.set(e.week, (m.get(e.week) ?? 0) + e.weeklySales);
      return m;
    };
    const origin = gw.forecasts.aggregate('total', 0, 0)!.origin;
    for (const [q, keep] of [
      ['level=total', () => true],
      ['level=store&store=2', (s: number) => s === 2],
      ['level=dept&dept=3', (_s: number, d: number) => d === 3],
    ] as const) {
      const r = await call(gw.url, 'GET', `/v1/series/level?${q}&weeks=20`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const want = sumOf(keep);
      const weeks = [...want.keys()].filter((w) => w <= origin).sort().slice(-20);
      assert.deepEqual(r.body.weeks, weeks, q);
      assert.equal(r.body.until, origin, `${q}: up to the published forecast's origin`);
      r.body.actual.forEach((y: number, i: number) => assert.ok(Math.abs(y - want.get(weeks[i]!)!) < 0.006, `${q} ${weeks[i]}: ${y} vs ${want.get(weeks[i]!)}`));
    }
    for (const [q, status, field] of [['level=store', 422, 'store'], ['level=total&store=1', 422, 'store'], ['level=dept&dept=2&store=1', 422, 'store'], ['level=store&store=1&dept=2', 422, 'dept'], ['level=series&store=1&dept=1', 400, 'level']] as const) {
      const r = await call(gw.url, 'GET', `/v1/series/level?${q}`);
      assert.equal(r.status, status, q);
      assert.equal(r.body.error.field, field, q);
    }
    assert.equal((await call(gw.url, 'GET', '/v1/series/level?level=store&store=99')).status, 404);
  });

  it('the export (GET /v1/forecasts) filters by level, store and dept, and refuses a key the level does not take, naming it', async () => {
    const db = f.cfg.clickhouse.database;
    const week = (await rows<{ w: string }>(ch, `SELECT toString(min(week)) AS w FROM ${db}.forecasts FINAL WHERE level = 'total' AND model_version = 1 AND origin = (SELECT max(origin) FROM ${db}.forecasts WHERE level = 'total')`))[0]!.w;
    const table = async (where: string) => (await rows<{ level: string; store: number; dept: number; forecast: number }>(ch, `SELECT level, store, dept, forecast FROM ${db}.forecasts FINAL WHERE week = toDate('${week}') AND ${where} ORDER BY store, dept, origin, model_version, horizon`)).map((r) => ({ ...r, store: Number(r.store), dept: Number(r.dept) }));
    const ndjson = async (q: string) => {
      const r = await fetch(`${gw.url}/v1/forecasts?week=${week}${q}`, { headers: { accept: 'application/x-ndjson' } });
      assert.equal(r.status, 200, q);
      return (await r.text()).trim().split('\n').filter(Boolean).map((l) => { const o = JSON.parse(l) as { level: string; store: number; dept: number; forecast: number }; return { level: o.level, store: o.store, dept: o.dept, forecast: o.forecast }; });
    };
    const everything = await ndjson('');
    assert.ok(new Set(everything.map((r) => r.level)).size === 4, 'without a filter every level is exported');
    for (const [q, where] of [
      ['&level=total', "level = 'total'"],
      ['&level=store&store=2', "level = 'store' AND store = 2"],
      ['&level=store', "level = 'store'"],
      ['&level=dept&dept=3', "level = 'dept' AND dept = 3"],
      ['&level=series&store=1', "level = 'series' AND store = 1"],
      ['&store=2', 'store = 2'],
    ] as const) {
      const want = await table(where);
      assert.ok(want.length > 0, `${where} has rows in the table`);
      assert.deepEqual(await ndjson(q), want, q);
    }
    const csv = await fetch(`${gw.url}/v1/forecasts?week=${week}&level=store&store=2`);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines.length, 1 + (await table("level = 'store' AND store = 2")).length, 'CSV: the header and the store\'s rows');
    assert.ok(lines.slice(1).every((l) => l.startsWith('2,0,') && l.endsWith(',"store"')), lines.join('\n'));
    for (const [q, field] of [['&level=total&store=1', 'store'], ['&level=store&store=1&dept=2', 'dept'], ['&level=dept&store=1', 'store']] as const) {
      const r = await call(gw.url, 'GET', `/v1/forecasts?week=${week}${q}`);
      assert.equal(r.status, 422, q);
      assert.equal(r.body.error.field, field, q);
      assert.match(r.body.error.message, /absent with level/);
    }
    const bad = await call(gw.url, 'GET', `/v1/forecasts?week=${week}&level=region`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'level');
    const spec = (await call(gw.url, 'GET', '/openapi.json')).body as { paths: Record<string, { get: { parameters: { name: string; schema: { enum?: string[] } }[] } }> };
    const params = spec.paths['/v1/forecasts']!.get.parameters;
    assert.deepEqual(params.find((p) => p.name === 'level')?.schema.enum, ['total', 'store', 'dept', 'series'], 'OpenAPI declares the level filter');
    assert.ok(['store', 'dept'].every((n) => params.some((p) => p.name === n)), 'OpenAPI declares store and dept');
  });

  it('refuses a level without its key or with a key it does not take, and an unknown store', async () => {
    // each parameter has the documented shape alone: a combination a level does not take is 422, as schemathesis expects
    const noStore = await call(gw.url, 'GET', '/v1/forecast?level=store');
    assert.equal(noStore.status, 422);
    assert.equal(noStore.body.error.field, 'store');
    const extra = await call(gw.url, 'GET', '/v1/forecast?level=total&dept=2');
    assert.equal(extra.status, 422);
    assert.equal(extra.body.error.field, 'dept');
    const alias = await call(gw.url, 'GET', '/v1/forecast?level=total&alias=challenger');
    assert.equal(alias.status, 422);
    assert.equal(alias.body.error.field, 'alias');
    const level = await call(gw.url, 'GET', '/v1/forecast?level=region');
    assert.equal(level.status, 400);
    assert.equal(level.body.error.field, 'level');
    const unknown = await call(gw.url, 'GET', '/v1/forecast?level=store&store=99');
    assert.equal(unknown.status, 404);
  });

  it('forecast.published gained level with a default: the registry accepts it, and an event written before decodes as a series', async () => {
    const topic = `${f.prefix}forecast-level-compat`;
    const schema = JSON.parse(contractText('forecastPublished')) as { fields: { name: string }[] };
    const before = { ...schema, fields: schema.fields.filter((x) => x.name !== 'level') };
    const old = AvroCodec.fromConfig(f.cfg);
    await old.register('forecastPublished', topic, JSON.stringify(before));
    const event = { store: 1, dept: 2, origin: '2012-10-26', modelVersion: 1, trigger: 'week' as const, publishedAt: 0, points: [{ week: '2012-11-02', horizon: 1, forecast: 5, lower80: null, upper80: null, lower95: null, upper95: null }] };
    const bytes = old.encode('forecastPublished', event);
    const current = AvroCodec.fromConfig(f.cfg);
    await current.register('forecastPublished', topic);
    const e = await current.decode(FORECAST_PUBLISHED, bytes);
    assert.equal(e.level, 'series');
    assert.equal((await current.decode(FORECAST_PUBLISHED, current.encode('forecastPublished', { ...event, level: 'dept', store: 0 }))).level, 'dept');
  });

  it('adds level to a forecasts table created before the hierarchy: its rows read as series, and a second start changes nothing', async () => {
    const db = `${f.cfg.clickhouse.database}_pre`;
    const old = forecastTable(db);
    try {
      for (const sql of tableDdl({ ...old, columns: old.columns.filter((c) => c.name !== 'level') }, null)) await exec(ch, sql);
      await exec(ch, `INSERT INTO ${db}.forecasts (store, dept, origin, week, horizon, forecast, model_version, trigger, published_at, kafka_partition, kafka_offset) VALUES (1, 1, '2012-10-26', '2012-11-02', 1, 5, 1, 'week', 0, 0, 0)`);
      const hasLevel = async () => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM system.columns WHERE database = '${db}' AND table = 'forecasts' AND name = 'level'`))[0]!.n);
      assert.equal(await hasLevel(), 0);
      await createForecastTable(ch, db);
      assert.equal(await hasLevel(), 1);
      assert.deepEqual(await rows(ch, `SELECT level FROM ${db}.forecasts`), [{ level: 'series' }]);
      await createForecastTable(ch, db);
      assert.equal(await hasLevel(), 1);
    } finally {
      await exec(ch, `DROP DATABASE IF EXISTS ${db}`);
    }
  });
});
