/**
 * Hot swap under load: requests run in a loop while a new model is promoted;
 * none fails, every batch is scored by a single version, and requests that
 * start after the first answer from the new version all get the new version.
 * Then a promotion whose artifact cannot load, and one whose hash does not
 * match, are reported while the current model keeps serving; finally a
 * rollback through the API swaps back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256Hex } from '../lib/kafka/artifacts.js';
import { eventually } from '../lib/testing.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, publishModel, setUp, trainModel, type Fixture } from './test/fixture.js';

interface Outcome {
  start: number;
  end: number;
  status: number;
  versions: number[];
}

/** Runs `workers` request loops until `stop()`; alternates single predictions and batches of 20. */
function loadLoop(url: string, workers: number, series: readonly (readonly [number, number])[]) {
  const outcomes: Outcome[] = [];
  let running = true;
  const single = { store: series[0]![0], dept: series[0]![1], week: '2011-08-19' };
  const batch = { items: Array.from({ length: 20 }, (_, i) => ({ store: series[i % series.length]![0], dept: series[i % series.length]![1], week: '2011-08-26' })) };
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; running; i++) {
      const body = (i + w) % 2 === 0 ? single : batch;
      const start = performance.now();
      try {
        const res = await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const json = (await res.json()) as { modelVersion: number; predictions?: { modelVersion: number }[] };
        const versions = json.predictions ? json.predictions.map((p) => p.modelVersion) : [json.modelVersion];
        outcomes.push({ start, end: performance.now(), status: res.status, versions });
      } catch {
        outcomes.push({ start, end: performance.now(), status: 0, versions: [] });
      }
    }
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

let f: Fixture;
let gw: Gateway;
let v1: Buffer;
let v2: Buffer;

describe('hot swap', { timeout: 300_000 }, () => {
  before(async () => {
    f = await setUp('swap');
    // two genuinely different models: shallow and few rounds vs deeper and more
    v1 = await trainModel(f.series, { rounds: 10, maxDepth: 2 });
    v2 = await trainModel(f.series, { rounds: 60, maxDepth: 5 });
    await publishModel(f, 1, v1);
    gw = await startGateway(f.cfg);
    assert.equal(gw.holder.current?.version, 1, 'serves v1 after start-up');
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  it('promoting v2 under load: zero failed requests, no mixed batch, and responses switch to v2', async () => {
    // series the simulator started before the spring of 2011, so both weeks asked for have history behind them
    const known = [...f.series.values()].filter((h) => h.weekAt(0) <= '2011-03-04').map((h) => [h.store, h.dept] as const);
    assert.ok(known.length >= 5, `enough long series (${known.length})`);
    const [s0, d0] = known[0]!;
    const before1 = await call(gw.url, 'POST', '/v1/predict', { store: s0, dept: d0, week: '2011-08-19' });
    const load = loadLoop(gw.url, 8, known);
    await new Promise((r) => setTimeout(r, 1000));
    await publishModel(f, 2, v2, { previousVersion: 1 });
    const switched = await eventually(() => load.outcomes.some((o) => o.versions[0] === 2), 60_000, 20);
    // keep the load on a while after the swap so old-session release happens under traffic
    await new Promise((r) => setTimeout(r, 1500));
    await load.stop();
    assert.ok(switched, 'responses switched to v2');

    const failed = load.outcomes.filter((o) => o.status !== 200);
    assert.equal(failed.length, 0, `failed requests: ${JSON.stringify(failed.slice(0, 3))}`);
    assert.ok(load.outcomes.length > 100, `enough traffic (${load.outcomes.length} requests)`);
    for (const o of load.outcomes) assert.equal(new Set(o.versions).size, 1, 'a batch is scored by one version');
    const firstV2 = Math.min(...load.outcomes.filter((o) => o.versions[0] === 2).map((o) => o.end));
    const lateV1 = load.outcomes.filter((o) => o.start > firstV2 && o.versions[0] === 1);
    assert.equal(lateV1.length, 0, 'no request that started after the swap was answered by v1');
    assert.ok(load.outcomes.some((o) => o.versions[0] === 1), 'v1 answered before the swap');

    const after2 = await call(gw.url, 'POST', '/v1/predict', { store: s0, dept: d0, week: '2011-08-19' });
    assert.equal(after2.body.modelVersion, 2);
    assert.notEqual(after2.body.forecast, before1.body.forecast, 'v2 is a different model');
  });

  it('a promotion whose artifact is not a model is reported and v2 keeps serving', async () => {
    const garbage = Buffer.from('this is not an ONNX model');
    const loadsBefore = await failedLoads(gw.url);
    await publishModel(f, 3, garbage, { previousVersion: 2 });
    assert.ok(await eventually(async () => (await failedLoads(gw.url)) > loadsBefore, 30_000), 'the failed load is counted');
    assert.equal(gw.holder.current?.version, 2);
    const r = await call(gw.url, 'POST', '/v1/predict', { store: 2, dept: 1, week: '2011-08-19' });
    assert.equal(r.status, 200);
    assert.equal(r.body.modelVersion, 2);
  });

  it('a promotion whose sha256 does not match its artifact is refused', async () => {
    const loadsBefore = await failedLoads(gw.url);
    await publishModel(f, 4, v1, { previousVersion: 3, sha256: sha256Hex(Buffer.from('other bytes')) });
    assert.ok(await eventually(async () => (await failedLoads(gw.url)) > loadsBefore, 30_000));
    assert.equal(gw.holder.current?.version, 2);
  });

  it('rollback through the API returns to an earlier version', async () => {
    const r = await call(gw.url, 'POST', '/v1/ops/rollback', { version: 1, reason: 'back to v1' }, auth);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'rollback');
    assert.ok(await eventually(() => gw.holder.current?.version === 1, 30_000), 'v1 serves again');
    const models = await call(gw.url, 'GET', '/v1/models');
    assert.equal(models.body.champion, 1);
    const stages = Object.fromEntries(models.body.models.map((m: { version: number; stage: string }) => [m.version, m.stage]));
    assert.equal(stages[1], 'champion');
    assert.equal(stages[2], 'archived');
  });
});

/** Value of a Prometheus series by name and one label pair (0 when absent). */
async function metric(url: string, name: string, label: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const failedLoads = (url: string) => metric(url, 'wsm_gateway_model_loads_total', 'result="failed"');
