/** The training schedule over the gateway: next runs from the cron, pause and resume as events on training.schedule (real Kafka). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readTopic } from '../trainer/test/fixture.js';
import { SCHEDULE_CHANGED } from '../domain/contracts.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, setUp, type Fixture } from './test/fixture.js';

describe('training schedule API', { timeout: 120_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  before(async () => {
    f = await setUp('sched', { history: false, patch: (d) => (d.trainer.cron = '0 3 * * 1') });
    gw = await startGateway(f.cfg);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  it('lists the next five runs of the cron (UTC), running', async () => {
    const r = await call(gw.url, 'GET', '/v1/schedule');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.cron, '0 3 * * 1');
    assert.equal(r.body.paused, false);
    assert.equal(r.body.next.length, 5);
    for (const t of r.body.next as string[]) {
      const d = new Date(t);
      assert.equal(d.getUTCDay(), 1, `${t} is a Monday`);
      assert.equal(d.getUTCHours(), 3);
    }
    const gaps = (r.body.next as string[]).slice(1).map((t, i) => Date.parse(t) - Date.parse(r.body.next[i]));
    assert.ok(gaps.every((g) => g === 7 * 86_400_000), 'a week apart');
  });

  it('pauses and resumes as events (the token is needed), and says who and why', async () => {
    assert.equal((await call(gw.url, 'POST', '/v1/schedule/pause', { reason: 'maintenance' })).status, 401);
    const p = await call(gw.url, 'POST', '/v1/schedule/pause', { reason: 'maintenance' }, auth);
    assert.equal(p.status, 202, JSON.stringify(p.body));
    assert.equal(p.body.paused, true);
    assert.equal(p.body.reason, 'maintenance');
    assert.match(p.body.changedBy, /^gateway:/);
    assert.equal((await call(gw.url, 'GET', '/v1/schedule')).body.paused, true);
    const r = await call(gw.url, 'POST', '/v1/schedule/resume', {}, auth);
    assert.equal(r.status, 202);
    assert.equal(r.body.paused, false);
    const events = await readTopic(f.cfg, f.cfg.topics.trainingSchedule, SCHEDULE_CHANGED);
    assert.deepEqual(events.map((e) => [e.action, e.reason]), [['paused', 'maintenance'], ['resumed', '']]);
  });
});
