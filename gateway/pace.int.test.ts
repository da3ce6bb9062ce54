/** The simulator's pace over the gateway: GET the pace (SIM_RATE until set), POST paced / paused / resumed as events on simulation.pace (real Kafka), the errors named. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readTopic } from '../trainer/test/fixture.js';
import { SIMULATION_PACE_CHANGED } from '../domain/contracts.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, setUp, type Fixture } from './test/fixture.js';

describe('simulation pace API', { timeout: 120_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  before(async () => {
    // SIM_RATE 2 events/s over the 3 x 4 = 12 series of the (empty) catalogue: 6 s a week
    f = await setUp('pace', { history: false, patch: (d) => (d.simulator.rate = 2) });
    gw = await startGateway(f.cfg);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  it('before any event: the SIM_RATE default', async () => {
    const r = await call(gw.url, 'GET', '/v1/simulation/pace');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { secondsPerWeek: 6, eventsPerSecond: 2, series: 12, paused: false, source: 'default', defaultRate: 2, last: null });
  });

  it('paced, paused, resumed: events with the token; the pace as it then stands', async () => {
    assert.equal((await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'paced', secondsPerWeek: 30 })).status, 401);
    assert.equal((await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'paced', secondsPerWeek: 30 }, { authorization: 'Bearer nope' })).status, 403);
    const p = await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'paced', secondsPerWeek: 30, reason: 'slower for the talk' }, auth);
    assert.equal(p.status, 202, JSON.stringify(p.body));
    // 12 series in 30 s: 0.4 events/s
    assert.deepEqual([p.body.secondsPerWeek, p.body.eventsPerSecond, p.body.source, p.body.paused], [30, 0.4, 'event', false]);
    assert.equal(p.body.last.reason, 'slower for the talk');
    assert.match(p.body.last.changedBy, /^gateway:/);
    const paused = await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'paused' }, auth);
    assert.deepEqual([paused.body.paused, paused.body.eventsPerSecond, paused.body.secondsPerWeek], [true, 0, 30]);
    assert.equal((await call(gw.url, 'GET', '/v1/simulation/pace')).body.paused, true);
    const resumed = await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'resumed' }, auth);
    assert.deepEqual([resumed.body.paused, resumed.body.eventsPerSecond], [false, 0.4]);
    const events = await readTopic(f.cfg, f.cfg.topics.simulationPace, SIMULATION_PACE_CHANGED);
    assert.deepEqual(events.map((e) => [e.action, e.secondsPerWeek, e.reason]), [['paced', 30, 'slower for the talk'], ['paused', null, ''], ['resumed', null, '']]);
  });

  it('refuses a pace out of bounds (400) or not fitting the action (422), naming the field; nothing appended', async () => {
    const low = await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'paced', secondsPerWeek: 2 }, auth);
    assert.equal(low.status, 400);
    assert.equal(low.body.error.field, 'secondsPerWeek');
    const missing = await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'paced' }, auth);
    assert.equal(missing.status, 422);
    assert.equal(missing.body.error.field, 'secondsPerWeek');
    const extra = await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'paused', secondsPerWeek: 30 }, auth);
    assert.equal(extra.status, 422);
    const unknown = await call(gw.url, 'POST', '/v1/simulation/pace', { action: 'faster' }, auth);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.field, 'action');
    assert.equal((await readTopic(f.cfg, f.cfg.topics.simulationPace, SIMULATION_PACE_CHANGED)).length, 3);
  });
});
