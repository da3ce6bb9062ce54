import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastScorableCutoff, unscorableProblems } from './scorable.js';

describe('scorable backtest cut-offs', () => {
  it('the last scorable cut-off is the latest week minus the horizon (weeks of 7 days)', () => {
    assert.equal(lastScorableCutoff('2012-10-26', 4), '2012-09-28');
    assert.equal(lastScorableCutoff('2012-10-26', 1), '2012-10-19');
    assert.equal(lastScorableCutoff('2011-01-07', 2), '2010-12-24');
  });

  it('a range reaching past it is refused naming to (and from), with the last scorable cut-off', () => {
    const range = (from: string, to: string) => ({ kind: 'range' as const, from, to });
    assert.deepEqual(unscorableProblems(range('2012-08-31', '2012-09-28'), 4, '2012-10-26'), [], 'ends exactly on the last scorable cut-off');
    const p = unscorableProblems(range('2012-08-31', '2012-10-05'), 4, '2012-10-26');
    assert.deepEqual(p, [{ field: 'to', expected: 'a cut-off on or before 2012-09-28, the last one whose 4 weeks after it have actual sales to score (the data ends 2012-10-26)', got: '2012-10-05' }]);
    assert.deepEqual(unscorableProblems(range('2012-10-05', '2012-10-19'), 1, '2012-10-26'), []);
    assert.deepEqual(unscorableProblems(range('2012-10-05', '2012-10-26'), 1, '2012-10-26').map((x) => x.field), ['to']);
    assert.deepEqual(unscorableProblems(range('2012-10-12', '2012-10-26'), 4, '2012-10-26').map((x) => [x.field, x.got]), [['from', '2012-10-12'], ['to', '2012-10-26']]);
    assert.match(unscorableProblems(range('2012-10-12', '2012-10-26'), 1, '2012-10-19')[0]?.expected ?? '', /whose 1 week after it/);
  });

  it('counts, and no data yet, are not judged', () => {
    assert.deepEqual(unscorableProblems({ kind: 'last', count: 39 }, 4, '2012-10-26'), []);
    assert.deepEqual(unscorableProblems({ kind: 'range', from: '2030-01-04', to: '2030-02-01' }, 4, null), []);
  });
});
