import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { createLogger, setLogLevel } from '../lib/log.js';
import type { TrainingRequested } from '../schemas/types.js';
import { nextTick, scheduledRequest, startScheduler } from './schedule.js';

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

