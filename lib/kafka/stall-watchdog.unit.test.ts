/**
 * The watchdog's decision, sample by sample, with a 60 s limit: it fires
 * only after 60 s behind with the commits standing still, and never while
 * the group is caught up, moving, unmeasured or waiting on purpose.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watch, type GroupSample, type WatchState } from './stall-watchdog.js';

const LIMIT = 60_000;

/** Feeds samples in order; returns the verdict of each (true = stalled). */
function run(samples: GroupSample[]): boolean[] {
  let state: WatchState | null = null;
  return samples.map((s) => {
    const r = watch(state, s, LIMIT);
    state = r.state;
    return r.verdict.stalled;
  });
}

const at = (s: number, lag: number | null, committed: number, waiting: string | null = null): GroupSample => ({ at: s * 1000, lag, committed, waiting });

describe('stall watchdog decision', () => {
  it('fires once 60 s have passed behind with the commits standing still, not at 59 s', () => {
    assert.deepEqual(run([at(0, 500, 1000), at(30, 700, 1000), at(59, 900, 1000), at(60, 900, 1000)]), [false, false, false, true]);
  });

  it('says how many wait, for how long, and that no write is being retried', () => {
    let state = watch(null, at(0, 500, 1000), LIMIT).state;
    state = watch(state, at(10, 500, 1000), LIMIT).state;
    const v = watch(state, at(75, 420, 1000), LIMIT).verdict;
    assert.ok(v.stalled);
    assert.equal(v.reason, '420 messages wait and the committed offsets have not moved for 75 s (limit 60 s), with no write being retried: the consumer is stuck (a request that never returns, in Kafka\'s client or a write)');
  });

  it('starts the clock again when the commits move, so a slow but moving consumer never fires', () => {
    // committed grows every 40 s: never 60 s without progress
    assert.deepEqual(run([at(0, 900, 0), at(40, 800, 100), at(80, 700, 200), at(120, 600, 300), at(160, 500, 400)]), [false, false, false, false, false]);
    // the last move was at 40 s: 100 s later is 60 s past it... at 99 s not yet, at 100 s yes
    assert.deepEqual(run([at(0, 900, 0), at(40, 800, 100), at(99, 800, 100), at(100, 800, 100)]), [false, false, false, true]);
  });

  it('never fires for a group that is caught up (no lag means nothing to do, not a stall)', () => {
    assert.deepEqual(run([at(0, 0, 50), at(100, 0, 50), at(200, 0, 50)]), [false, false, false]);
    // caught up at 50 s stops the clock; behind again at 100 s starts it there (when the new messages came is unknown)
    assert.deepEqual(run([at(0, 10, 50), at(50, 0, 50), at(100, 10, 50), at(159, 10, 50), at(160, 10, 50)]), [false, false, false, false, true]);
  });

  it('does not count time while the runner retries a write on a dependency (an outage it waits out on purpose)', () => {
    const ch = 'write retried: ClickHouse down';
    assert.deepEqual(run([at(0, 500, 7), at(50, 600, 7, ch), at(100, 700, 7, ch), at(150, 700, 7)]), [false, false, false, false]);
    // the clock starts at the first sample without the wait (100 s): 60 s from there fire
    assert.deepEqual(run([at(0, 500, 7, ch), at(100, 700, 7), at(160, 700, 7)]), [false, false, true]);
  });

  it('does not count time Kafka did not answer (nothing could move then): the clock starts again at the next answer', () => {
    assert.deepEqual(run([at(0, 500, 7), at(50, null, 7), at(100, 500, 7), at(159, 500, 7), at(160, 500, 7)]), [false, false, false, false, true]);
  });

  it('with a shorter limit, fires sooner on the same samples', () => {
    let state: WatchState | null = watch(null, at(0, 5, 1), 10_000).state;
    assert.equal(watch(state, at(9, 5, 1), 10_000).verdict.stalled, false);
    state = watch(state, at(9, 5, 1), 10_000).state;
    assert.equal(watch(state, at(10, 5, 1), 10_000).verdict.stalled, true);
  });
});
