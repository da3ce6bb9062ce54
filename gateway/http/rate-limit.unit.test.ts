import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter (token bucket per client)', () => {
  it('lets a burst through, then refuses with the seconds until the next token', () => {
    let now = 0;
    const l = new RateLimiter(2, 3, () => now);
    for (let i = 0; i < 3; i++) assert.deepEqual(l.take('a'), { ok: true }, `request ${i}`);
    assert.deepEqual(l.take('a'), { ok: false, retryAfterS: 1 });
    now = 499;
    assert.equal(l.take('a').ok, false, 'half a token is not a token');
    now = 1000;
    assert.deepEqual(l.take('a'), { ok: true }, 'refilled at 2/s');
  });

  it('keeps clients apart', () => {
    const l = new RateLimiter(1, 1, () => 0);
    assert.equal(l.take('a').ok, true);
    assert.equal(l.take('a').ok, false);
    assert.equal(l.take('b').ok, true);
  });

  it('says how long to wait at slow rates, in whole seconds', () => {
    const l = new RateLimiter(0.1, 1, () => 0);
    assert.equal(l.take('a').ok, true);
    assert.deepEqual(l.take('a'), { ok: false, retryAfterS: 10 });
  });

  it('never refills above the burst, and bounds the clients it remembers', () => {
    let now = 0;
    const l = new RateLimiter(10, 2, () => now, 3);
    l.take('a');
    now = 60_000;
    assert.equal(l.take('a').ok, true);
    assert.equal(l.take('a').ok, true);
    assert.equal(l.take('a').ok, false, 'a minute idle still gives only the burst');
    for (const c of ['b', 'c', 'd', 'e']) l.take(c);
    assert.equal(l.size, 3);
  });

  it('refuses a meaningless configuration', () => {
    assert.throws(() => new RateLimiter(0, 1), /perSecond > 0/);
    assert.throws(() => new RateLimiter(1, 0), /burst >= 1/);
  });
});
