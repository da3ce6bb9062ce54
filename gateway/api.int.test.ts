/**
 * The HTTP API against the real stack: 503 before the first model, predict
 * (single and batch), forecast, every validation path with the field it
 * names, 404s, auth on writes (and on reads when closed), the body limit,
 * OpenAPI generated from the validators, metrics.
 */
import { TRAINING_REQUESTED } from '../domain/contracts.js';
import type { ConformalIntervals } from '../domain/intervals/conformal.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKafka } from '../lib/kafka/client.js';
import { eventually } from '../lib/testing.js';
import { withOverrides } from '../lib/config.js';
import { AvroCodec } from '../lib/avro/codec.js';
import type { TrainingRequested } from '../schemas/types.js';
import { ForecastResponse, PredictBatchResponse, Prediction } from './api/schemas.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, publishModel, setUp, trainModel, TOKEN, type Fixture } from './test/fixture.js';

let f: Fixture;
let gw: Gateway;
let onnx: Buffer;
const P = '/v1/predict';

/** Asserts a refusal (400: not the documented shape; 422: the shape, but the data or model cannot answer) whose error names `field`. */
async function refuses(status: 400 | 422, path: string, body: unknown, field: string, method = 'POST', headers: Record<string, string> = {}) {
  const r = await call(gw.url, method, path, body, headers);
  assert.equal(r.status, status, `${JSON.stringify(body)} -> ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error.code, 'VALIDATION');
  assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  assert.match(r.body.error.message, new RegExp(`^${field.replace(/\./g, '\\.')}: expected `));
  // every 400/422 lists its problems as details, the first being the one named above
  assert.equal(r.body.error.details?.[0]?.field, field, JSON.stringify(r.body));
  assert.ok(!/\n\s+at /.test(JSON.stringify(r.body)), 'no stack trace');
}

/** A hand-made calibration: 80% half-widths 0.1..0.4 and 95% 0.2..0.8 (x max(|forecast|, scale / 4, 1)) for h = 1..4. */
const INTERVALS: ConformalIntervals = { method: 'conformal-relative-abs', levels: [0.8, 0.95], halfWidth: [[0.1, 0.2, 0.3, 0.4], [0.2, 0.4, 0.6, 0.8]], n: [10, 10, 10, 10] };
/** Asserts a 400 whose error names `field`. */
const rejects400 = (path: string, body: unknown, field: string, method = 'POST', headers: Record<string, string> = {}) => refuses(400, path, body, field, method, headers);

describe('gateway API', { timeout: 240_000 }, () => {
  before(async () => {
    f = await setUp('api');
    [onnx, gw] = await Promise.all([trainModel(f.series), startGateway(f.cfg)]);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  describe('before the first model', () => {
    it('predict and forecast answer 503 with the reason, readyz names the missing model', async () => {
      const r = await call(gw.url, 'POST', P, { store: 1, dept: 1, week: '2011-08-19' });
      assert.equal(r.status, 503);
      assert.equal(r.body.error.code, 'NO_MODEL');
      assert.match(r.body.error.message, /no model has been promoted yet/);
      assert.equal(r.headers.get('retry-after'), '5');
      const fc = await call(gw.url, 'GET', '/v1/forecast?store=1&dept=1');
      assert.equal(fc.status, 503);
      const ready = await call(gw.url, 'GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.ready, false);
      assert.equal(ready.body.checks.model.ok, false);
      assert.equal(ready.body.checks.kafka.ok, true);
      assert.equal(ready.body.checks.state.ok, true);
      const health = await call(gw.url, 'GET', '/healthz');
      assert.equal(health.status, 200);
      assert.equal(health.body.status, 'ok');
    });

    it('validation still runs first: a bad request is a 400, not a 503', async () => {
      await rejects400(P, { store: 1, dept: 1 }, 'week');
    });

    it('serves the first promoted model once it is on the log', async () => {
      await publishModel(f, 1, onnx, { intervals: INTERVALS });
      assert.ok(await eventually(() => gw.holder.current?.version === 1, 60_000), 'model v1 loaded');
      const ready = await call(gw.url, 'GET', '/readyz');
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
    });
  });

  describe('predict and forecast', () => {
    it('predicts one item: the week after the last known one, with version, horizon and origin', async () => {
      const r = await call(gw.url, 'POST', P, { store: 2, dept: 3, week: '2011-08-19' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      Prediction.parse(r.body);
      assert.equal(r.body.modelVersion, 1);
      assert.equal(r.body.horizon, 1);
      assert.equal(r.body.origin, '2011-08-12');
      assert.equal(r.body.actual, null);
      assert.ok(Number.isFinite(r.body.forecast) && r.body.forecast > 0);
    });

    it('predicts a known week one week ahead and returns its actual', async () => {
      const e = f.events.find((x) => x.store === 1 && x.dept === 2 && x.week === '2011-06-03')!;
      const r = await call(gw.url, 'POST', P, { store: 1, dept: 2, week: '2011-06-03' });
      assert.equal(r.status, 200);
      assert.equal(r.body.horizon, 1);
      assert.equal(r.body.origin, '2011-05-27');
      assert.equal(r.body.actual, e.weeklySales);
    });

    it('an explicit horizon moves the origin back, and exogenous overrides change the inputs', async () => {
      const r = await call(gw.url, 'POST', P, { store: 1, dept: 2, week: '2011-06-03', horizon: 3 });
      assert.equal(r.status, 200);
      assert.equal(r.body.origin, '2011-05-13');
      const over = await call(gw.url, 'POST', P, { store: 1, dept: 2, week: '2011-06-03', horizon: 3, markdown1: 50000, temperature: null });
      assert.equal(over.status, 200, JSON.stringify(over.body));
    });

    it('a batch is scored by one version and keeps the order of its items', async () => {
      const items = [
        { store: 1, dept: 1, week: '2011-08-19' },
        { store: 3, dept: 3, week: '2011-09-02' },
        { store: 2, dept: 2, week: '2011-03-04', horizon: 2 },
      ];
      const r = await call(gw.url, 'POST', P, { items });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      PredictBatchResponse.parse(r.body);
      assert.equal(r.body.count, 3);
      assert.deepEqual(
        r.body.predictions.map((p: { store: number; week: string; horizon: number }) => [p.store, p.week, p.horizon]),
        [[1, '2011-08-19', 1], [3, '2011-09-02', 3], [2, '2011-03-04', 2]],
      );
      // a single call for the same item gives the same number as inside the batch
      const one = await call(gw.url, 'POST', P, items[1]);
      assert.equal(one.body.forecast, r.body.predictions[1].forecast);
    });

    it('a batch at the documented limit is accepted; one more item is refused naming items', async () => {
      const item = { store: 1, dept: 1, week: '2011-08-19' };
      const max = f.cfg.gateway.maxBatch;
      const ok = await call(gw.url, 'POST', P, { items: Array(max).fill(item) });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.count, max);
      await rejects400(P, { items: Array(max + 1).fill(item) }, 'items');
    });

    it('forecasts the next weeks of a series', async () => {
      const r = await call(gw.url, 'GET', '/v1/forecast?store=3&dept=1&horizon=4');
      assert.equal(r.status, 200);
      ForecastResponse.parse(r.body);
      assert.equal(r.body.origin, '2011-08-12');
      assert.deepEqual(r.body.points.map((p: { week: string }) => p.week), ['2011-08-19', '2011-08-26', '2011-09-02', '2011-09-09']);
      // the forecast and predict paths agree for the same week and horizon
      const p = await call(gw.url, 'POST', P, { store: 3, dept: 1, week: '2011-09-02' });
      assert.equal(p.body.forecast, r.body.points[2].forecast);
      const dflt = await call(gw.url, 'GET', '/v1/forecast?store=3&dept=1');
      assert.equal(dflt.body.points.length, Math.min(f.cfg.trainer.horizon, 4), 'the trainer horizon (13), capped at the 4 weeks this model was trained for');
    });

    it('forecast and predict carry the model\'s conformal intervals: forecast +- half-width x max(|forecast|, scale / 4, 1), per horizon', async () => {
      const r = await call(gw.url, 'GET', '/v1/forecast?store=3&dept=1&horizon=4');
      for (const p of r.body.points as { week: string; horizon: number; forecast: number; intervals: { level: number; lower: number; upper: number }[] }[]) {
        const v = await call(gw.url, 'GET', `/v1/features?store=3&dept=1&week=${p.week}&horizon=${p.horizon}`);
        const scale = v.body.values[v.body.names.indexOf('scale')] as number;
        assert.deepEqual(p.intervals.map((iv) => iv.level), [0.8, 0.95]);
        for (const [li, iv] of p.intervals.entries()) {
          const w = INTERVALS.halfWidth[li]![p.horizon - 1]! * Math.max(Math.abs(p.forecast), scale / 4, 1);
          assert.ok(Math.abs(iv.lower - (p.forecast - w)) < 0.05, `h${p.horizon} ${iv.level}: lower ${iv.lower} vs ${p.forecast} - ${w}`);
          assert.ok(Math.abs(iv.upper - (p.forecast + w)) < 0.05);
        }
      }
      const one = await call(gw.url, 'POST', P, { store: 3, dept: 1, week: r.body.points[1].week });
      assert.deepEqual(one.body.intervals, r.body.points[1].intervals, 'the same interval on both paths');
      const series = await call(gw.url, 'GET', '/v1/series?store=3&dept=1&weeks=10');
      const last = series.body.predicted.length - 1;
      assert.ok(series.body.lower95[last] < series.body.lower80[last] && series.body.lower80[last] < series.body.predicted[last]);
      assert.ok(series.body.upper95[last] > series.body.upper80[last] && series.body.upper80[last] > series.body.predicted[last]);
    });

    it('unknown store or dept is a 404 naming it', async () => {
      let r = await call(gw.url, 'POST', P, { store: 99, dept: 1, week: '2011-08-19' });
      assert.equal(r.status, 404);
      assert.match(r.body.error.message, /store 99 not found/);
      r = await call(gw.url, 'POST', P, { items: [{ store: 1, dept: 1, week: '2011-08-19' }, { store: 1, dept: 77, week: '2011-08-19' }] });
      assert.equal(r.status, 404);
      assert.match(r.body.error.message, /dept 77 of store 1 not found/);
      r = await call(gw.url, 'GET', '/v1/forecast?store=1&dept=77');
      assert.equal(r.status, 404);
    });
  });

  describe('validation: every error names its field', () => {
    const ok = { store: 1, dept: 1, week: '2011-08-19' };
    const cases: [string, unknown, string, (400 | 422)?][] = [
      ['missing store', { dept: 1, week: '2011-08-19' }, 'store'],
      ['store not a number', { ...ok, store: 'one' }, 'store'],
      ['store not an integer', { ...ok, store: 1.5 }, 'store'],
      ['store below 1', { ...ok, store: 0 }, 'store'],
      ['dept missing', { store: 1, week: '2011-08-19' }, 'dept'],
      ['week not a date', { ...ok, week: '19/08/2011' }, 'week'],
      ['week not a calendar date', { ...ok, week: '2011-02-30' }, 'week'],
      ['week off the series grid', { ...ok, week: '2011-08-20' }, 'week', 422],
      ['week beyond the model horizon', { ...ok, week: '2012-01-06' }, 'week', 422],
      ['week before the series starts', { ...ok, week: '2010-02-05' }, 'week', 422],
      ['horizon 0', { ...ok, horizon: 0 }, 'horizon'],
      ['horizon above the model horizon', { ...ok, week: '2011-06-03', horizon: 8 }, 'horizon', 422],
      ['horizon too short for a future week', { ...ok, week: '2011-09-02', horizon: 1 }, 'horizon', 422],
      ['exogenous not a number', { ...ok, cpi: 'high' }, 'cpi'],
      ['unknown field', { ...ok, stor: 1 }, 'stor'],
      ['body not an object', [1, 2], 'body'],
      ['empty batch', { items: [] }, 'items'],
      ['batch not an array', { items: 'x' }, 'items'],
      ['bad item in a batch', { items: [ok, { ...ok, week: 'soon' }] }, 'items.1.week'],
      ['unknown field in a batch item', { items: [ok, ok, { ...ok, foo: 1 }] }, 'items.2.foo'],
      ['item beyond the horizon in a batch', { items: [ok, { ...ok, week: '2012-01-06' }] }, 'items.1.week', 422],
    ];
    for (const [name, body, field, status = 400] of cases) it(`predict: ${name} -> ${status} ${field}`, () => refuses(status, P, body, field));

    it('one 400 lists every problem (predict\'s fast path and a Koa route alike)', async () => {
      const r = await call(gw.url, 'POST', P, { store: 0, dept: 'a', week: '19/08/2011', stor: 1 });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.error.details.map((d: { field: string }) => d.field), ['store', 'dept', 'week', 'stor']);
      assert.deepEqual(r.body.error.details[0], { field: 'store', expected: 'a value >= 1', got: '0' });
      const q = await call(gw.url, 'GET', '/v1/forecast?store=x&dept=0&horizon=99');
      assert.equal(q.status, 400);
      assert.deepEqual(q.body.error.details.map((d: { field: string }) => d.field), ['store', 'dept', 'horizon']);
    });

    it('a missing body -> 400 body, on predict and on a write whose fields are all optional', async () => {
      await rejects400(P, undefined, 'body');
      await rejects400('/v1/models/1/promote', undefined, 'body', 'POST', auth);
    });

    it('a method a path lacks -> 405 with Allow and the JSON error body', async () => {
      for (const [method, path, allow] of [['GET', P, 'POST, OPTIONS'], ['DELETE', '/v1/models', 'HEAD, GET, OPTIONS'], ['PUT', '/openapi.json', 'HEAD, GET, OPTIONS']] as const) {
        const r = await call(gw.url, method, path);
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.get('allow'), allow);
        assert.equal(r.body.error.code, 'METHOD_NOT_ALLOWED');
      }
    });

    it('malformed JSON -> 400 body', async () => {
      const r = await call(gw.url, 'POST', P, '{"store": 1,');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'body');
    });

    it('a body that is not JSON -> 415', async () => {
      const r = await call(gw.url, 'POST', P, 'store=1', { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(r.status, 415);
      assert.match(r.body.error.message, /^body: expected content-type application\/json/);
    });

    it('a body over the limit -> 413, without reading it all', async () => {
      const big = JSON.stringify({ items: Array(40_000).fill({ store: 1, dept: 1, week: '2011-08-19' }) });
      assert.ok(big.length > 1024 * 1024);
      const r = await call(gw.url, 'POST', P, big);
      assert.equal(r.status, 413);
      assert.equal(r.body.error.code, 'PAYLOAD_TOO_LARGE');
    });

    const forecastCases: [string, string, string, (400 | 422)?][] = [
      // store and dept are optional in the schema (level total needs neither): their absence at level series is a cross-field refusal
      ['missing store', 'dept=1', 'store', 422],
      ['store not a number', 'store=abc&dept=1', 'store'],
      ['missing dept', 'store=1', 'dept', 422],
      ['horizon 0', 'store=1&dept=1&horizon=0', 'horizon'],
      ['horizon over 52', 'store=1&dept=1&horizon=99', 'horizon'],
      ['horizon above the model horizon', 'store=1&dept=1&horizon=10', 'horizon', 422],
      ['unknown parameter', 'store=1&dept=1&weeks=3', 'weeks'],
    ];
    for (const [name, qs, field, status = 400] of forecastCases) it(`forecast: ${name} -> ${status} ${field}`, () => refuses(status, `/v1/forecast?${qs}`, undefined, field, 'GET'));

    it('features: week off the grid -> 422 week; a valid one matches the layout', async () => {
      await refuses(422, '/v1/features?store=1&dept=1&week=2011-08-13&horizon=1', undefined, 'week', 'GET');
      const r = await call(gw.url, 'GET', '/v1/features?store=1&dept=1&week=2011-08-19&horizon=1');
      assert.equal(r.status, 200);
      assert.equal(r.body.names.length, r.body.values.length);
    });

    it('unknown route -> 404 JSON', async () => {
      const r = await call(gw.url, 'GET', '/v1/nothing');
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'NOT_FOUND');
    });
  });

  describe('auth', () => {
    it('writes need the bearer token: 401 without, 403 when wrong', async () => {
      for (const [method, path, body] of [
        ['POST', '/v1/ops/train', { reason: 'x' }],
        ['POST', '/v1/ops/next-week', undefined],
        ['POST', '/v1/models/1/promote', {}],
        ['POST', '/v1/ops/rollback', {}],
      ] as const) {
        const none = await call(gw.url, method, path, body);
        assert.equal(none.status, 401, `${path} without token`);
        assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
        const wrong = await call(gw.url, method, path, body, { authorization: 'Bearer nope' });
        assert.equal(wrong.status, 403, `${path} with a wrong token`);
      }
    });

    it('with the token, a training request lands on training.requests', async () => {
      const r = await call(gw.url, 'POST', '/v1/ops/train', { reason: 'api test' }, auth);
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.match(r.body.requestId, /^[0-9a-f-]{36}$/);
      assert.ok(await eventually(() => gw.registry().requests.some((q) => q.requestId === r.body.requestId), 20_000), 'the gateway folded its own request');
      const q = gw.registry().requests.find((x) => x.requestId === r.body.requestId) as TrainingRequested;
      assert.equal(q.trigger, 'manual');
      assert.equal(q.reason, 'api test');
      const runs = await call(gw.url, 'GET', '/v1/runs');
      assert.ok(runs.body.requests.some((x: { requestId: string }) => x.requestId === r.body.requestId));
      await rejects400('/v1/ops/train', { reason: 'x', cutoffWeek: 'yesterday' }, 'cutoffWeek', 'POST', auth);
    });

    it('promote and rollback are decided by the registry rules', async () => {
      let r = await call(gw.url, 'POST', '/v1/models/1/promote', {}, auth);
      assert.equal(r.status, 409, 'the champion cannot be promoted again');
      assert.deepEqual([r.body.error.code, r.body.error.conflict], ['CONFLICT', { expected: 1, actual: 1 }]);
      r = await call(gw.url, 'POST', '/v1/models/1/promote', { expectedChampion: 5 }, auth);
      assert.equal(r.status, 409, 'a stale expected champion is a conflict');
      assert.deepEqual(r.body.error.conflict, { expected: 5, actual: 1 });
      assert.match(r.body.error.message, /the champion is v1, not v5/);
      r = await call(gw.url, 'POST', '/v1/models/99/promote', {}, auth);
      assert.equal(r.status, 404);
      r = await call(gw.url, 'POST', '/v1/ops/rollback', {}, auth);
      assert.equal(r.status, 409, JSON.stringify(r.body));
      r = await call(gw.url, 'POST', '/v1/models/abc/promote', {}, auth);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'version');
    });

    it('reads need the token too when reads are closed; health stays open', async () => {
      const closed = await startGateway(withOverrides(f.cfg, (d) => (d.gateway.openReads = false)));
      try {
        const none = await call(closed.url, 'GET', '/v1/models');
        assert.equal(none.status, 401);
        const withToken = await call(closed.url, 'GET', '/v1/models', undefined, { authorization: `Bearer ${TOKEN}` });
        assert.equal(withToken.status, 200);
        assert.equal(withToken.body.champion, 1);
        const p = await call(closed.url, 'POST', P, { store: 1, dept: 1, week: '2011-08-19' });
        assert.equal(p.status, 401);
        assert.equal((await call(closed.url, 'GET', '/healthz')).status, 200);
      } finally {
        await closed.close();
      }
    });
  });

  describe('documentation and metrics', () => {
    it('serves an OpenAPI 3 document generated from the validators', async () => {
      const r = await call(gw.url, 'GET', '/openapi.json');
      assert.equal(r.status, 200);
      assert.match(r.body.openapi, /^3\./);
      for (const path of ['/v1/predict', '/v1/forecast', '/v1/models', '/v1/models/{version}/promote', '/v1/ops/train', '/v1/ops/next-week', '/v1/ops/rollback', '/readyz']) {
        assert.ok(r.body.paths[path], `documents ${path}`);
      }
      const item = r.body.components.schemas.PredictItem;
      assert.deepEqual(item.required.sort(), ['dept', 'store', 'week']);
      assert.equal(item.properties.store.type, 'integer');
      assert.equal(item.additionalProperties, false);
      const batch = r.body.components.schemas.PredictBatch;
      assert.equal(batch.properties.items.maxItems, f.cfg.gateway.maxBatch, 'the documented batch limit is the enforced one');
      assert.deepEqual(r.body.paths['/v1/ops/train'].post.security, [{ bearer: [] }]);
      const fq = r.body.paths['/v1/forecast'].get.parameters.map((p: { name: string }) => p.name);
      assert.deepEqual(fq, ['level', 'store', 'dept', 'horizon', 'alias']);
      assert.deepEqual(r.body.paths['/v1/predict'].post.parameters.map((p: { name: string }) => p.name), ['alias']);
      for (const path of ['/v1/models/compare', '/v1/models/{version}/artifact', '/v1/models/{version}/annotations', '/v1/aliases', '/v1/aliases/{alias}', '/v1/aliases/{alias}/remove']) {
        assert.ok(r.body.paths[path], `documents ${path}`);
      }
      assert.deepEqual(r.body.paths['/v1/aliases/{alias}'].post.security, [{ bearer: [] }]);
      assert.ok(r.body.paths['/v1/models/{version}/artifact'].get.responses['200'].content['application/octet-stream'], 'the download is documented as bytes');
      const docs = await fetch(`${gw.url}/docs/reference`);
      assert.equal(docs.status, 200);
      const html = await docs.text();
      assert.match(html, /\/v1\/predict/);
      assert.match(html, /bearer token/);
      const ui = await (await fetch(`${gw.url}/docs`)).text();
      assert.match(ui, /<script src="\/docs\/ui\/swagger-ui-bundle\.js"><\/script>/);
      const bundle = await fetch(`${gw.url}/docs/ui/swagger-ui-bundle.js`);
      assert.equal(bundle.status, 200);
      assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
      assert.equal((await fetch(`${gw.url}/docs/ui/..%2Fpackage.json`)).status, 404, 'only the listed assets are served');
    });

    it('exposes Prometheus metrics: latency histogram, predictions by version, consumer lag', async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(text, /wsm_gateway_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/predict"/);
      assert.match(text, /wsm_gateway_predictions_total\{[^}]*model_version="1"[^}]*kind="predict"[^}]*\} \d+/);
      assert.match(text, /wsm_gateway_consumer_lag_messages\{[^}]*group="gateway"/);
      assert.match(text, /wsm_gateway_model_version\{[^}]*\} 1/);
    });
  });

  it('a decoded copy of the log matches: requests made through the API are real Avro events', async () => {
    // read training.requests from the start with a fresh consumer and decode through the registry
    const codec = AvroCodec.fromConfig(f.cfg);
    const consumer = createKafka(f.cfg, 'api-check').consumer({ groupId: `${f.prefix}check` });
    await consumer.connect();
    await consumer.subscribe({ topic: f.cfg.topics.trainingRequests, fromBeginning: true });
    const seen: TrainingRequested[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(await codec.decode(TRAINING_REQUESTED, message.value)) });
    const got = await eventually(() => seen.some((r) => r.reason === 'api test'), 20_000);
    await consumer.disconnect();
    assert.ok(got);
  });
});
