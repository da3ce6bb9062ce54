import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startPolling, type Timers } from './poll.js';

/** Timers driven by hand: `tick()` runs the interval's callback once. */
function handTimers() {
  let f: (() => void) | null = null;
  const t: Timers & { tick(): void; cleared: boolean; ms: number } = {
    cleared: false,
    ms: 0,
    setInterval(cb, ms) {
      f = cb;
      t.ms = ms;
      return 1;
    },
    clearInterval() {
      t.cleared = true;
      f = null;
    },
    tick() {
      f?.();
    },
  };
  return t;
}
const settle = () => new Promise((r) => setImmediate(r));

describe('startPolling', () => {
  it('loads at once and on every tick, at the interval given', async () => {
    const timers = handTimers();
    let calls = 0;
    startPolling(() => calls++, 30_000, true, timers);
    await settle();
    assert.equal(calls, 1);
    assert.equal(timers.ms, 30_000);
    timers.tick();
    await settle();
    timers.tick();
    await settle();
    assert.equal(calls, 3);
  });

  it('immediate = false: the first load is on the first tick', async () => {
    const timers = handTimers();
    let calls = 0;
    startPolling(() => calls++, 1000, false, timers);
    await settle();
    assert.equal(calls, 0);
    timers.tick();
    await settle();
    assert.equal(calls, 1);
  });

  it('skips a tick while the previous load is still in flight, and goes on after a failed one', async () => {
    const timers = handTimers();
    let calls = 0;
    let release: () => void = () => undefined;
    startPolling(() => {
      calls++;
      if (calls === 1) return new Promise<void>((r) => (release = r));
      if (calls === 2) return Promise.reject(new Error('gateway down'));
      return undefined;
    }, 1000, true, timers);
    await settle();
    timers.tick();
    timers.tick();
    await settle();
    assert.equal(calls, 1, 'two ticks while the first load hangs: no new request');
    release();
    await settle();
    timers.tick();
    await settle();
    timers.tick();
    await settle();
    assert.equal(calls, 3, 'the failed second load did not stop the polling');
  });

  it('stop clears the interval and a tick already queued does nothing', async () => {
    const timers = handTimers();
    let calls = 0;
    const stop = startPolling(() => calls++, 1000, false, timers);
    stop();
    assert.ok(timers.cleared);
    timers.tick();
    await settle();
    assert.equal(calls, 0);
  });
});
