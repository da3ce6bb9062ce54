/**
 * The registry beyond promotions, over the gateway against the real stack:
 * N versions' curves and importance as columns, the ONNX download, tags
 * and description as model.annotations events, aliases as model.aliases
 * events served by `?alias=` on predict and forecast, and all of it rebuilt
 * by a second gateway from the log alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256Hex } from '../lib/kafka/artifacts.js';
import { eventually } from '../lib/testing.js';
import { readTopic } from '../trainer/test/fixture.js';
import { MODEL_ALIAS_CHANGED, MODEL_ANNOTATED } from '../domain/contracts.js';
import { FEATURE_NAMES } from '../domain/features/features.js';
import type { ModelTrained } from '../schemas/types.js';
import type { TrainResult, XgbParams } from '../trainer/run/xgboost.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, publishModel, publishRecordedRun, setUp, trainModel, type Fixture } from './test/fixture.js';

let f: Fixture;
let gw: Gateway;
const fits = new Map<number, TrainResult>();
const publishRun = async (version: number, params: XgbParams, decision: ModelTrained['decision'] = 'rejected') => {
  const { run, fit } = await publishRecordedRun(f, version, params, decision);
  if (fit) fits.set(version, fit);
  return run;
};

const item = { store: 1, dept: 1, week: '2011-08-26' };

describe('registry API: curves, importance, artifacts, tags, aliases', { timeout: 300_000 }, () => {
  before(async () => {
    f = await setUp('registry-api');
    // v1: an older kind of run (no curves), promoted; v2, v3: runs with curves, rejected; v4: a failed run
    await publishModel(f, 1, await trainModel(f.series));
    await publishRun(2, { rounds: 30 });
    await publishRun(3, { rounds: 80, maxDepth: 6, eta: 0.1 });
    await publishRun(4, {}, 'failed');
    gw = await startGateway(f.cfg);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  it('compares three versions on one round axis; the run without curves is listed with null rounds', async () => {
    const r = await call(gw.url, 'GET', '/v1/models/compare?versions=3,1,2&top=5');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.versions, [3, 1, 2]);
    assert.equal(r.body.metric, 'mae');
    const c3 = fits.get(3)!.curves;
    const c2 = fits.get(2)!.curves;
    assert.equal(r.body.rounds.length, Math.max(c2.totalRounds, c3.totalRounds), 'every round of the longer fit');
    assert.deepEqual(r.body.runs, [
      { version: 3, bestRound: c3.bestRound, totalRounds: c3.totalRounds },
      { version: 1, bestRound: null, totalRounds: null },
      { version: 2, bestRound: c2.bestRound, totalRounds: c2.totalRounds },
    ]);
    const col = (v: number, split: string) => r.body.curves.find((c: { version: number; split: string }) => c.version === v && c.split === split)?.values as (number | null)[];
    assert.deepEqual(col(3, 'valid').slice(0, c3.totalRounds), c3.valid);
    assert.deepEqual(col(2, 'train').slice(0, c2.totalRounds), c2.train);
    assert.ok(col(2, 'train').slice(c2.totalRounds).every((x) => x === null), 'null after v2 stopped');
    assert.equal(col(1, 'train'), undefined);
    assert.equal(r.body.importance.features.length, 5);
    for (const name of r.body.importance.features) assert.ok(FEATURE_NAMES.includes(name), name);
    const v3 = r.body.importance.versions.find((x: { version: number }) => x.version === 3);
    assert.equal(v3.gain[0], fits.get(3)!.importance.find((g) => g.feature === r.body.importance.features[0])?.gain ?? 0);
    const summary = await call(gw.url, 'GET', '/v1/models/3');
    assert.equal(summary.body.bestRound, c3.bestRound);
  });

  it('refuses a comparison of an unknown version (404 naming it) or a malformed list (400 naming versions)', async () => {
    const unknown = await call(gw.url, 'GET', '/v1/models/compare?versions=1,99');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error.message, /99/);
    const bad = await call(gw.url, 'GET', '/v1/models/compare?versions=1;2');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'versions');
  });

  it('downloads the ONNX artifact of a version: its bytes hash to the recorded sha256', async () => {
    const res = await fetch(`${gw.url}/v1/models/2/artifact`);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const sha = fits.get(2)!.sha256;
    assert.equal(sha256Hex(bytes), sha);
    assert.deepEqual(bytes, fits.get(2)!.onnx);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="model-v2-${sha.slice(0, 12)}.onnx"`);
    assert.equal((await call(gw.url, 'GET', '/v1/models/99/artifact')).status, 404);
    const failed = await call(gw.url, 'GET', '/v1/models/4/artifact');
    assert.equal(failed.status, 422);
    assert.equal(failed.body.error.field, 'version');
  });

  it('edits tags and the description as model.annotations events; bad input names the field', async () => {
    assert.equal((await call(gw.url, 'POST', '/v1/models/2/annotations', { setTags: { team: 'demand' } })).status, 401);
    const first = await call(gw.url, 'POST', '/v1/models/2/annotations', { setTags: { team: 'demand', stage: 'try' }, description: 'deeper trees' }, auth);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.deepEqual(first.body.tags, { team: 'demand', stage: 'try' });
    const second = await call(gw.url, 'POST', '/v1/models/2/annotations', { setTags: { owner: 'ana' }, removeTags: ['stage'] }, auth);
    assert.deepEqual(second.body.tags, { team: 'demand', owner: 'ana' });
    assert.equal(second.body.description, 'deeper trees', 'a change without a description keeps it');
    const shown = await call(gw.url, 'GET', '/v1/models/2');
    assert.deepEqual(shown.body.tags, { team: 'demand', owner: 'ana' });
    assert.equal(shown.body.description, 'deeper trees');
    const badKey = await call(gw.url, 'POST', '/v1/models/2/annotations', { setTags: { 'white space': 'x' } }, auth);
    assert.equal(badKey.status, 400);
    assert.match(badKey.body.error.field, /^setTags/);
    const empty = await call(gw.url, 'POST', '/v1/models/2/annotations', {}, auth);
    assert.equal(empty.status, 422);
    assert.equal(empty.body.error.field, 'body');
    assert.equal((await call(gw.url, 'POST', '/v1/models/99/annotations', { description: 'x' }, auth)).status, 404);
    const events = await readTopic(f.cfg, f.cfg.topics.modelAnnotations, MODEL_ANNOTATED);
    assert.deepEqual(events.map((e) => [e.version, e.setTags, e.removeTags, e.description]), [
      [2, { team: 'demand', stage: 'try' }, [], 'deeper trees'],
      [2, { owner: 'ana' }, ['stage'], null],
    ]);
  });

  it('serves an alias on request: predict and forecast say which model answered', async () => {
    const set = await call(gw.url, 'POST', '/v1/aliases/challenger', { version: 3, reason: 'deeper' }, auth);
    assert.equal(set.status, 202, JSON.stringify(set.body));
    assert.deepEqual(set.body, { alias: 'challenger', version: 3, previousVersion: null });
    const champ = await call(gw.url, 'POST', '/v1/predict', item);
    assert.equal(champ.status, 200, JSON.stringify(champ.body));
    assert.deepEqual([champ.body.modelVersion, champ.body.modelAlias], [1, 'champion']);
    const chal = await call(gw.url, 'POST', '/v1/predict?alias=challenger', item);
    assert.equal(chal.status, 200, JSON.stringify(chal.body));
    assert.deepEqual([chal.body.modelVersion, chal.body.modelAlias], [3, 'challenger']);
    assert.notEqual(chal.body.forecast, champ.body.forecast, 'another model answered');
    const batch = await call(gw.url, 'POST', '/v1/predict?alias=challenger', { items: [item, { ...item, dept: 2 }] });
    assert.deepEqual([batch.body.modelVersion, batch.body.modelAlias, batch.body.predictions[1].modelVersion], [3, 'challenger', 3]);
    const fc = await call(gw.url, 'GET', '/v1/forecast?store=1&dept=1&horizon=2&alias=challenger');
    assert.equal(fc.status, 200, JSON.stringify(fc.body));
    assert.deepEqual([fc.body.modelVersion, fc.body.modelAlias, fc.body.points.length], [3, 'challenger', 2]);
    assert.deepEqual(gw.aliasModels.loadedVersions(), [3]);
    const list = await call(gw.url, 'GET', '/v1/aliases');
    assert.deepEqual(list.body, { champion: 1, aliases: [{ alias: 'challenger', version: 3, loaded: true }], max: 16 });
    assert.deepEqual((await call(gw.url, 'GET', '/v1/models/3')).body.aliases, ['challenger']);
  });

  it('refuses what an alias cannot be: unknown alias 404, bad name 400, stale expectation 409, failed run 422', async () => {
    assert.equal((await call(gw.url, 'POST', '/v1/predict?alias=nope', item)).status, 404);
    const badName = await call(gw.url, 'GET', '/v1/forecast?store=1&dept=1&alias=Not-Valid');
    assert.equal(badName.status, 400);
    assert.equal(badName.body.error.field, 'alias');
    const stale = await call(gw.url, 'POST', '/v1/aliases/challenger', { version: 2, expectedVersion: null }, auth);
    assert.equal(stale.status, 409);
    assert.deepEqual(stale.body.error.conflict, { expected: null, actual: 3 });
    assert.equal((await call(gw.url, 'POST', '/v1/aliases/challenger', { version: 3 }, auth)).status, 409, 'already names v3');
    const failed = await call(gw.url, 'POST', '/v1/aliases/pinned', { version: 4 }, auth);
    assert.equal(failed.status, 422);
    assert.equal(failed.body.error.field, 'version');
    assert.equal((await call(gw.url, 'POST', '/v1/aliases/champion', { version: 2 }, auth)).status, 400);
    assert.equal((await call(gw.url, 'POST', '/v1/aliases/pinned', { version: 2 })).status, 401);
  });

  it('moves and removes aliases; the models no alias names are released', async () => {
    const pinned = await call(gw.url, 'POST', '/v1/aliases/pinned', { version: 2 }, auth);
    assert.equal(pinned.status, 202);
    assert.ok(await eventually(() => gw.aliasModels.loadedVersions().join() === '2,3', 30_000), `loaded ${gw.aliasModels.loadedVersions()}`);
    const moved = await call(gw.url, 'POST', '/v1/aliases/challenger', { version: 2, expectedVersion: 3 }, auth);
    assert.deepEqual(moved.body, { alias: 'challenger', version: 2, previousVersion: 3 });
    assert.ok(await eventually(() => gw.aliasModels.loadedVersions().join() === '2', 10_000), 'v3 released');
    const removed = await call(gw.url, 'POST', '/v1/aliases/challenger/remove', {}, auth);
    assert.deepEqual(removed.body, { alias: 'challenger', version: null, previousVersion: 2 });
    assert.equal((await call(gw.url, 'POST', '/v1/predict?alias=challenger', item)).status, 404);
    assert.equal((await call(gw.url, 'POST', '/v1/aliases/challenger/remove', {}, auth)).status, 404);
    const events = await readTopic(f.cfg, f.cfg.topics.modelAliases, MODEL_ALIAS_CHANGED);
    assert.deepEqual(events.map((e) => [e.alias, e.version, e.previousVersion]), [
      ['challenger', 3, null],
      ['pinned', 2, null],
      ['challenger', 2, 3],
      ['challenger', null, 2],
    ]);
  });

  it('a second gateway rebuilds tags, description and aliases from the log alone, and serves the alias', async () => {
    const other = await startGateway(f.cfg);
    try {
      const m = await call(other.url, 'GET', '/v1/models/2');
      assert.deepEqual([m.body.tags, m.body.description, m.body.aliases], [{ team: 'demand', owner: 'ana' }, 'deeper trees', ['pinned']]);
      const p = await call(other.url, 'POST', '/v1/predict?alias=pinned', item);
      assert.equal(p.status, 200, JSON.stringify(p.body));
      assert.deepEqual([p.body.modelVersion, p.body.modelAlias], [2, 'pinned']);
    } finally {
      await other.close();
    }
  });
});
