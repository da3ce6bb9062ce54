import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import type { SalesWeek } from '../../schemas/types.js';
import { SeriesStore } from '../state/series-store.js';
import { resolveItem } from './resolve.js';

const W0 = '2011-01-07';
function store(weeks: number): SeriesStore {
  const s = new SeriesStore();
  for (let i = 0; i < weeks; i++) {
    s.apply({ eventId: '', store: 1, dept: 2, week: addWeeks(W0, i), weeklySales: 100 + i, isHoliday: false, source: 't', producedAt: 0 } as unknown as SalesWeek);
  }
  return s;
}

const item = (week: string, horizon?: number) => ({ store: 1, dept: 2, week, ...(horizon ? { horizon } : {}) });
const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    if (err instanceof NotFoundError) return `404 ${err.message}`;
    throw err;
  }
  return null;
};

describe('resolving a request item to (target, horizon, origin)', () => {
  const s = store(10); // weeks 0..9, last = W0 + 9
  it('a future week: origin is the last known week, horizon the distance', () => {
    const r = resolveItem(s, item(addWeeks(W0, 12)), 4, 1);
    assert.deepEqual([r.t, r.horizon], [12, 3]);
  });
  it('a known week: one week ahead from the week before', () => {
    const r = resolveItem(s, item(addWeeks(W0, 5)), 4, 1);
    assert.deepEqual([r.t, r.horizon], [5, 1]);
  });
  it('an explicit horizon moves the origin', () => {
    assert.equal(resolveItem(s, item(addWeeks(W0, 5), 3), 4, 1).horizon, 3);
  });
  it('refusals name the field', () => {
    assert.equal(field(() => resolveItem(s, item(addWeeks(W0, 14)), 4, 1)), 'week', 'beyond the model horizon');
    assert.equal(field(() => resolveItem(s, item(addWeeks(W0, 12), 1), 4, 1)), 'horizon', 'origin after the last week');
    assert.equal(field(() => resolveItem(s, item(addWeeks(W0, 5), 5), 4, 1)), 'horizon', 'above the model horizon');
    assert.equal(field(() => resolveItem(s, item(W0), 4, 1)), 'week', 'no origin before the first week');
    assert.equal(field(() => resolveItem(s, item('2011-01-08'), 4, 1)), 'week', 'off the 7-day grid');
    assert.equal(field(() => resolveItem(s, item(addWeeks(W0, 12)), 4, 1, 'items.7.')), null);
    assert.equal(field(() => resolveItem(s, item(addWeeks(W0, 20)), 4, 1, 'items.7.')), 'items.7.week', 'batch prefix');
    assert.equal(field(() => resolveItem(s, item(addWeeks(W0, 20)), 4, 1, 7)), 'items.7.week', 'batch index');
    assert.equal(field(() => resolveItem(s, item(addWeeks(W0, 12), 1), 4, 1, 0)), 'items.0.horizon', 'batch index 0');
  });
  it('unknown store and unknown dept are 404s naming which', () => {
    assert.equal(field(() => resolveItem(s, { store: 9, dept: 2, week: W0 }, 4, 1)), '404 store 9 not found');
    assert.equal(field(() => resolveItem(s, { store: 1, dept: 9, week: W0 }, 4, 1)), '404 dept 9 of store 1 not found');
  });
});
