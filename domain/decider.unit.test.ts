import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ValidationError } from '../lib/errors.js';
import { assertNever, checked, eventsOrThrow, foldAll, handle, isRefusal, refuse, type Decider } from './decider.js';
import { givenWhenThen } from './given-when-then.js';

// A counter that refuses to go below zero: small enough to check every result by hand.
type Cmd = { type: 'add'; n: number } | { type: 'take'; n: number };
type Ev = { type: 'added'; n: number } | { type: 'taken'; n: number };
const counter: Decider<Cmd, number, Ev> = {
  initial: 0,
  decide: (c, s) => {
    if (c.type === 'add') return [{ type: 'added', n: c.n }];
    return c.n > s ? refuse(new ValidationError('n', `at most ${s}`, c.n)) : [{ type: 'taken', n: c.n }];
  },
  evolve: (s, e) => (e.type === 'added' ? s + e.n : s - e.n),
};

describe('decider', () => {
  it('given added 5, when take 2 and add 1, then taken 2 and added 1, state 4', () => {
    const { then, state } = givenWhenThen(counter, [{ type: 'added', n: 5 }], [{ type: 'take', n: 2 }, { type: 'add', n: 1 }]);
    assert.deepEqual(then, [{ type: 'taken', n: 2 }, { type: 'added', n: 1 }]);
    assert.equal(state, 4);
  });

  it('given added 1, when take 1 then take 1, then the second is refused and the state is the one it was refused in (0)', () => {
    const { then, state } = givenWhenThen(counter, [{ type: 'added', n: 1 }], [{ type: 'take', n: 1 }, { type: 'take', n: 1 }]);
    assert.ok(isRefusal(then));
    assert.ok(then.refusal instanceof ValidationError);
    assert.equal(then.refusal.field, 'n');
    assert.equal(state, 0);
  });

  it('handle decides then evolves; a refusal leaves no state', () => {
    assert.deepEqual(handle(counter, 3, { type: 'take', n: 2 }), { state: 1, events: [{ type: 'taken', n: 2 }] });
    assert.ok(isRefusal(handle(counter, 1, { type: 'take', n: 2 })));
  });

  it('eventsOrThrow returns the events, or throws the refusal itself', () => {
    assert.deepEqual(eventsOrThrow(counter.decide({ type: 'add', n: 2 }, 0)), [{ type: 'added', n: 2 }]);
    assert.throws(() => eventsOrThrow(counter.decide({ type: 'take', n: 2 }, 0)), (e: unknown) => e instanceof ValidationError && e.field === 'n');
  });

  it('foldAll folds from the initial state or from a given one; no events: the start', () => {
    assert.equal(foldAll(counter, [{ type: 'added', n: 2 }, { type: 'taken', n: 1 }]), 1);
    assert.equal(foldAll(counter, [{ type: 'added', n: 2 }], 10), 12);
    assert.equal(foldAll(counter, []), 0);
  });

  it('an empty events array is a decision, not a refusal', () => {
    assert.equal(isRefusal([]), false);
  });

  it('checked turns a thrown AppError into a refusal, passes a value through, and lets a bug (TypeError) propagate', () => {
    const r = checked(() => {
      throw new ValidationError('alias', 'a name');
    });
    assert.ok(isRefusal(r) && r.refusal instanceof ValidationError && r.refusal.field === 'alias');
    const v = checked(() => 'ok');
    assert.equal(isRefusal(v), false);
    assert.equal(v, 'ok');
    assert.throws(() => checked(() => { throw new TypeError('bug'); }), TypeError);
  });

  it('assertNever throws UNREACHABLE naming what and the value', () => {
    assert.throws(
      () => assertNever({ type: 'bogus' } as never, 'counter command'),
      (e: unknown) => e instanceof AppError && e.code === 'UNREACHABLE' && e.message === 'unhandled counter command {"type":"bogus"}',
    );
  });
});
