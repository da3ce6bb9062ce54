import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutoffsOf } from './backtest-cutoffs.js';

describe('backtest form cut-offs', () => {
  it('N weeks ending on the last scorable cut-off by default (data ends 2011-08-12, h = 2: 2011-07-29)', () => {
    assert.deepEqual(cutoffsOf(3, '', 2, '2011-08-12'), { from: '2011-07-15', to: '2011-07-29' });
    assert.deepEqual(cutoffsOf(1, '2011-06-03', 4, '2011-08-12'), { from: '2011-06-03', to: '2011-06-03' });
  });

  it('refuses a last cut-off past the last scorable one, naming the field and that cut-off', () => {
    assert.throws(() => cutoffsOf(2, '2011-08-05', 2, '2011-08-12'), {
      message: 'last cut-off: expected a cut-off on or before 2011-07-29, the last one whose 2 weeks after it have actual sales to score (the data ends 2011-08-12), got "2011-08-05"',
    });
    assert.throws(() => cutoffsOf(2, '2011-07-30', 2, '2011-08-12'), { message: /^last cut-off: expected a cut-off on or before 2011-07-29/ });
    assert.throws(() => cutoffsOf(2, '2011-02-30', 2, '2011-08-12'), { message: 'last cut-off: expected a date YYYY-MM-DD, got "2011-02-30"' });
  });

  it('no data yet, or a count that is not positive: the count goes as typed (the gateway names it)', () => {
    assert.deepEqual(cutoffsOf(0, '', 2, '2011-08-12'), { cutoffs: 0 });
    assert.deepEqual(cutoffsOf(4, '', 2, null), { cutoffs: 4 });
    assert.deepEqual(cutoffsOf(undefined, '', 2, '2011-08-12'), { cutoffs: undefined });
  });
});
