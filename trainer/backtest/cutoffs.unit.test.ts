import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks, isoOfDay, parseIsoDay } from '../../lib/weeks.js';
import { BacktestDataError, isRefit, planCutoffs, refitCount } from './cutoffs.js';

const weeks = (n: number, start = '2012-01-06') => Array.from({ length: n }, (_, i) => parseIsoDay(addWeeks(start, i))!);
const iso = (days: number[]) => days.map(isoOfDay);

describe('cut-off planning', () => {
  it('takes the last N weeks that have history before them and a later week after them', () => {
    const p = planCutoffs(weeks(20), { kind: 'last', count: 3 }, 8);
    assert.deepEqual(iso(p.cutoffs), ['2012-04-27', '2012-05-04', '2012-05-11']);
    assert.deepEqual(p.notes, []);
  });

  it('says how many cut-offs the data allows when fewer than asked', () => {
    const p = planCutoffs(weeks(11), { kind: 'last', count: 39 }, 8);
    assert.deepEqual(iso(p.cutoffs), ['2012-03-02', '2012-03-09'], 'weeks 8 and 9 of 0..10');
    assert.match(p.notes[0]!, /asked for 39 cut-offs; the data \(2012-01-06 \.\. 2012-03-16, 11 weeks\) allows 2/);
  });

  it('takes every eligible week of a range and names the ones left out', () => {
    const p = planCutoffs(weeks(20), { kind: 'range', from: '2012-02-17', to: '2012-03-09' }, 8);
    assert.deepEqual(iso(p.cutoffs), ['2012-03-02', '2012-03-09']);
    assert.match(p.notes[0]!, /2 of the 4 weeks/);
  });

  it('throws a data error saying why when nothing can be evaluated', () => {
    assert.throws(() => planCutoffs(weeks(5), { kind: 'last', count: 39 }, 8), (err: unknown) => {
      assert.ok(err instanceof BacktestDataError);
      assert.equal(err.code, 'BACKTEST_DATA');
      assert.match(err.message, /5 weeks.*8 weeks of history/);
      return true;
    });
    assert.throws(() => planCutoffs([], { kind: 'last', count: 3 }, 8), /no valid events/);
  });

  it('refits at the first cut-off and every k-th after it', () => {
    const refits = Array.from({ length: 10 }, (_, i) => i).filter((i) => isRefit(i, 4));
    assert.deepEqual(refits, [0, 4, 8]);
    assert.equal(refitCount(10, 4), 3);
    assert.equal(refitCount(39, 4), 10);
    assert.equal(refitCount(5, 1), 5);
  });
});
