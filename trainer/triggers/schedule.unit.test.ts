import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { createLogger, setLogLevel } from '../../lib/log.js';
import type { TrainingRequested } from '../../schemas/types.js';
import { nextTick, scheduledRequest, startScheduler } from './schedule.js';
import { evolveSchedule, initialSchedule, missedTick, nextTicks, previousTick } from '../../domain/training/schedule.js';

describe('schedule trigger', () => {
  it('the next tick of a daily 03:00 UTC cron, and a deterministic request id per tick', () => {
    const t = nextTick('0 3 * * *', Date.parse('2024-01-01T03:00:00Z'));
    assert.equal(new Date(t).toISOString(), '2024-01-02T03:00:00.000Z');
    const r = scheduledRequest('0 3 * * *', t);
    assert.equal(r.requestId, 'schedule-2024-01-02T03:00:00.000Z');
    assert.equal(r.trigger, 'schedule');
  });

  it('refuses a bad cron expression with a config error naming the variable', () => {
    assert.throws(() => nextTick('every day', 0), /TRAIN_CRON/);
  });

  it('emits one request per tick, with the tick in its id, and stops', async () => {
    setLogLevel('error');
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2024-01-01T00:00:30Z') });
    try {
      const got: TrainingRequested[] = [];
      const s = startScheduler('* * * * *', async (r) => void got.push(r), createLogger('test'), () => Date.now());
      assert.equal(new Date(s.next()).toISOString(), '2024-01-01T00:01:00.000Z');
      mock.timers.tick(29_000);
      assert.equal(got.length, 0, 'not before the tick');
      mock.timers.tick(1_000);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(got.map((r) => r.requestId), ['schedule-2024-01-01T00:01:00.000Z']);
      s.stop();
      mock.timers.tick(120_000);
      await new Promise((r) => setImmediate(r));
      assert.equal(got.length, 1, 'nothing after stop');
    } finally {
      mock.timers.reset();
    }
  });
});


describe('schedule state and catch-up', () => {
  const cron = '0 3 * * *';
  const at = (iso: string) => Date.parse(iso);
  it('lists the next ticks and finds the previous one', () => {
    assert.deepEqual(nextTicks(cron, at('2024-01-01T04:00:00Z'), 2).map((t) => new Date(t).toISOString()), ['2024-01-02T03:00:00.000Z', '2024-01-03T03:00:00.000Z']);
    assert.equal(new Date(previousTick(cron, at('2024-01-05T02:00:00Z'))).toISOString(), '2024-01-04T03:00:00.000Z');
  });
  it('catches up only the latest missed tick, only when the schedule ran before and is not paused', () => {
    const running = initialSchedule;
    // down from Jan 2 10:00 to Jan 5 02:00: ticks on Jan 3 and Jan 4 were missed; only Jan 4 is caught up
    assert.equal(new Date(missedTick(cron, at('2024-01-05T02:00:00Z'), at('2024-01-02T03:00:00Z'), running)!).toISOString(), '2024-01-04T03:00:00.000Z');
    assert.equal(missedTick(cron, at('2024-01-02T05:00:00Z'), at('2024-01-02T03:00:00Z'), running), null, 'nothing missed');
    assert.equal(missedTick(cron, at('2024-01-05T02:00:00Z'), null, running), null, 'a new system does not train at once');
    const paused = evolveSchedule(running, { action: 'paused', reason: 'x', changedBy: 'ops', changedAt: 1 });
    assert.equal(missedTick(cron, at('2024-01-05T02:00:00Z'), at('2024-01-02T03:00:00Z'), paused), null, 'paused');
    assert.equal(evolveSchedule(paused, { action: 'resumed', reason: '', changedBy: 'ops', changedAt: 2 }).paused, false);
  });
  it('skips ticks while paused', async () => {
    setLogLevel('error');
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2024-01-01T00:00:30Z') });
    try {
      const got: TrainingRequested[] = [];
      let paused = true;
      const s = startScheduler('* * * * *', async (r) => void got.push(r), createLogger('test'), () => Date.now(), () => paused);
      mock.timers.tick(30_000);
      await new Promise((r) => setImmediate(r));
      assert.equal(got.length, 0, 'the 00:01 tick is skipped');
      paused = false;
      mock.timers.tick(60_000);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(got.map((r) => r.requestId), ['schedule-2024-01-01T00:02:00.000Z']);
      s.stop();
    } finally {
      mock.timers.reset();
    }
  });
});
