import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { every } from './periodic.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('every', () => {
  it('never runs twice at once, and stop waits for the run in flight', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const p = every(5, async () => {
      calls += 1;
      await gate;
    }, { now: true });
    await sleep(40);
    assert.equal(calls, 1, 'ticks while a run is in flight are skipped');
    let stopped = false;
    const stopping = p.stop().then(() => (stopped = true));
    await sleep(20);
    assert.equal(stopped, false, 'stop waits for the run');
    release();
    await stopping;
    await sleep(20);
    assert.equal(calls, 1, 'no run after stop');
  });

  it('keeps running after a task that throws', async () => {
    let calls = 0;
    const p = every(5, async () => {
      calls += 1;
      throw new Error('boom');
    });
    await sleep(40);
    await p.stop();
    assert.ok(calls >= 2, `ran ${calls} times`);
  });
});
