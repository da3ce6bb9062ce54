/**
 * GET /v1/runs and /v1/models as a search (MLflow's search_runs) against the
 * real stack: runs on model.trained, tags set through the gateway's own
 * write endpoint, the registry projector writing ClickHouse, and the
 * gateway filtering, sorting and paging there. Expected pages are worked
 * out by hand from the four runs below.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../lib/testing.js';
import type { ModelTrained } from '../schemas/types.js';
import { startRegistryProjector, type RegistryProjector } from '../consumers/registry/main.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, setUp, type Fixture } from './test/fixture.js';

let f: Fixture;
let gw: Gateway;
let projector: RegistryProjector;

/** v1 wape 0.10 eta 0.3, v2 0.15 eta 0.1, v3 0.08 eta 0.15, v4 failed (no metrics); trained in version order. */
const RUNS: [number, number | null, number, ModelTrained['decision']][] = [[1, 0.1, 0.3, 'rejected'], [2, 0.15, 0.1, 'rejected'], [3, 0.08, 0.15, 'rejected'], [4, null, 0.2, 'failed']];
const q = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;
const versionsOf = (rows: { version: number }[]) => rows.map((r) => r.version);

describe('run search on the gateway, from the registry projection in ClickHouse', { timeout: 180_000 }, () => {
  before(async () => {
    f = await setUp('run-search', { history: false });
    for (const [version, wape, eta, decision] of RUNS) {
      await f.publisher.modelTrained({
        runId: randomUUID(), version, requestIds: [], trigger: version === 2 ? 'schedule' : 'manual', reasons: ['search test'], params: JSON.stringify({ eta, rounds: 40 }),
        featureVersion: 'f', features: ['a'], horizon: 4, metrics: JSON.stringify(wape === null ? {} : { model: { n: 10, wape }, seasonalNaive: { n: 10, wape: 0.2 } }),
        holdoutWeeks: [], dataMaxWeek: '2011-08-05', dataRows: 10, dataSeries: 1, topicOffsets: '{}', durationMs: 1, artifactSha256: '', artifactUri: '', artifactBytes: 0,
        decision, decisionReason: decision, trainedAt: 1_700_000_000_000 + version,
      });
    }
    gw = await startGateway(f.cfg);
    projector = await startRegistryProjector(f.cfg, { groupId: `${f.prefix}registry` });
    assert.ok(await eventually(async () => (await call(gw.url, 'GET', '/v1/models/4')).status === 200, 30_000), 'the gateway folded the runs');
    // team=x on v1 and v3, team=y on v2, through the gateway's write endpoint (model.annotations)
    for (const [v, team] of [[1, 'x'], [2, 'y'], [3, 'x']] as const) {
      const r = await call(gw.url, 'POST', `/v1/models/${v}/annotations`, { setTags: { team } }, auth);
      assert.equal(r.status, 202, JSON.stringify(r.body));
    }
    const tagged = () => call(gw.url, 'GET', q('/v1/runs', { filter: "tags.team = 'x'" }));
    assert.ok(await eventually(async () => versionsOf((await tagged()).body.runs ?? []).join() === '3,1', 60_000), 'the projection caught up with the tags');
  });
  after(async () => {
    await projector?.stop();
    await gw?.close();
    await f?.cleanup();
  });

  it("filter metrics.wape < 0.12 and tags.team = 'x' ordered by metrics.wape DESC: v1 (0.10) then v3 (0.08)", async () => {
    const r = await call(gw.url, 'GET', q('/v1/runs', { filter: "metrics.wape < 0.12 and tags.team = 'x'", order_by: 'metrics.wape DESC' }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(versionsOf(r.body.runs), [1, 3]);
    assert.equal(r.body.next_page_token, null);
    assert.deepEqual(r.body.runs[0].tags, { team: 'x' }, 'rows are whole summaries');
    const m = await call(gw.url, 'GET', q('/v1/models', { filter: 'params.eta >= 0.15', order_by: 'params.eta' }));
    assert.deepEqual(versionsOf(m.body.models), [3, 4, 1]);
  });

  it('pages with opaque tokens: stable when repeated, refused with another query', async () => {
    const first = await call(gw.url, 'GET', q('/v1/models', { order_by: 'metrics.wape', max_results: '2' }));
    assert.deepEqual(versionsOf(first.body.models), [3, 1]);
    const token = first.body.next_page_token as string;
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    const second = await call(gw.url, 'GET', q('/v1/models', { order_by: 'metrics.wape', max_results: '2', page_token: token }));
    assert.deepEqual(versionsOf(second.body.models), [2, 4], 'the run without a wape sorts last');
    assert.equal(second.body.next_page_token, null);
    const again = await call(gw.url, 'GET', q('/v1/models', { order_by: 'metrics.wape', max_results: '2', page_token: token }));
    assert.deepEqual(versionsOf(again.body.models), [2, 4]);
    const other = await call(gw.url, 'GET', q('/v1/models', { order_by: 'metrics.wape DESC', max_results: '2', page_token: token }));
    assert.equal(other.status, 400);
    assert.equal(other.body.error.field, 'page_token');
  });

  it('injection attempts: outside the grammar is a 400 naming filter; inside quotes it is a value that matches nothing', async () => {
    for (const filter of ['metrics.wape < 0.1; DROP TABLE model_runs', "tags.team = 'x' OR 1=1", 'attributes.version < 1 UNION SELECT 1', "metrics.wape < 1) OR (1=1"]) {
      const r = await call(gw.url, 'GET', q('/v1/runs', { filter }));
      assert.equal(r.status, 400, filter);
      assert.equal(r.body.error.details[0].field, 'filter', JSON.stringify(r.body));
    }
    const quoted = await call(gw.url, 'GET', q('/v1/runs', { filter: "tags.team = 'x\\' OR 1=1 --'" }));
    assert.equal(quoted.status, 200);
    assert.deepEqual(quoted.body.runs, []);
    const all = await call(gw.url, 'GET', q('/v1/runs', { max_results: '10' }));
    assert.deepEqual(versionsOf(all.body.runs), [4, 3, 2, 1], 'every run still there, newest first');
  });

  it('every problem of filter, order_by, page_token and max_results in one 400', async () => {
    const r = await call(gw.url, 'GET', q('/v1/runs', { filter: 'metrics.wape < 0.1 OR', order_by: 'password', page_token: 'nope', max_results: '0' }));
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error.details.map((d: { field: string }) => d.field), ['filter', 'order_by', 'max_results']);
    const r2 = await call(gw.url, 'GET', q('/v1/runs', { filter: 'metrics.wape < 0.1 OR', order_by: 'password', page_token: 'no pe!' }));
    assert.deepEqual(r2.body.error.details.map((d: { field: string }) => d.field), ['filter', 'order_by', 'page_token']);
  });

  it('without search parameters: every run from the fold, no token', async () => {
    const r = await call(gw.url, 'GET', '/v1/runs');
    assert.deepEqual(versionsOf(r.body.runs), [4, 3, 2, 1]);
    assert.equal(r.body.next_page_token, null);
  });
});
