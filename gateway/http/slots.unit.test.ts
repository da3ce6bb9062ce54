import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Slots } from './slots.js';

describe('Slots (refuse over capacity, never queue)', () => {
  it('gives out capacity slots, refuses the next, and frees one per release however often it is called', () => {
    const s = new Slots(2);
    const a = s.tryTake();
    const b = s.tryTake();
    assert.ok(a && b);
    assert.equal(s.tryTake(), null, 'the third is refused');
    assert.equal(s.inUse, 2);
    a();
    a();
    assert.equal(s.inUse, 1, 'a second release of the same slot frees nothing more');
    const c = s.tryTake();
    assert.ok(c);
    assert.equal(s.tryTake(), null);
    b();
    c();
    assert.equal(s.inUse, 0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new Slots(0), /capacity: expected an integer >= 1, got 0/);
    assert.throws(() => new Slots(1.5), /got 1.5/);
  });
});
