import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { SeriesGrid } from './grid.js';

const ev = (store: number, dept: number, week: string) => ({ store, dept, week });

test('the first week of a series sets its grid; weeks 7 days apart, earlier or later, pass', () => {
  const g = new SeriesGrid();
  g.check(ev(1, 1, '2010-02-05')); // a Friday
  assert.doesNotThrow(() => g.check(ev(1, 1, '2010-02-12')));
  assert.doesNotThrow(() => g.check(ev(1, 1, '2010-01-29')));
  assert.doesNotThrow(() => g.check(ev(1, 1, '2011-02-04'))); // 52 weeks later
});

test('a real date off the grid is refused naming week and the nearest grid dates', () => {
  const g = new SeriesGrid();
  g.check(ev(1, 1, '2010-02-05'));
  assert.throws(() => g.check(ev(1, 1, '2010-02-11')), (err: unknown) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.field, 'week');
    assert.match(err.message, /series 1:1's 7-day grid \(for example 2010-02-05 or 2010-02-12\)/);
    assert.match(err.message, /got "2010-02-11"/);
    return true;
  });
});

test('grids are per series: another series may use another weekday', () => {
  const g = new SeriesGrid();
  g.check(ev(1, 1, '2010-02-05'));
  assert.doesNotThrow(() => g.check(ev(1, 2, '2010-02-04')));
  assert.doesNotThrow(() => g.check(ev(1, 2, '2010-02-11')));
  assert.throws(() => g.check(ev(1, 2, '2010-02-12')), ValidationError);
});

test('a seeded grid is kept: seeding does not overwrite, and an off-grid first event after a seed is refused', () => {
  const g = new SeriesGrid();
  g.seed(3, 4, '2012-10-26');
  g.seed(3, 4, '2012-10-25'); // ignored: the first seed wins
  assert.throws(() => g.check(ev(3, 4, '2012-11-01')), ValidationError);
  assert.doesNotThrow(() => g.check(ev(3, 4, '2012-11-02')));
  assert.equal(g.size, 1);
});
