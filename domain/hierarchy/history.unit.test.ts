import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateHistory, type SalesSeries } from './history.js';

/** A series from its first week and its sales (NaN = a gap). */
function series(store: number, dept: number, first: string, sales: number[]): SalesSeries {
  const day0 = Date.parse(`${first}T00:00:00Z`);
  return { store, dept, length: sales.length, weekAt: (i) => new Date(day0 + i * 7 * 86_400_000).toISOString().slice(0, 10), salesAt: (i) => sales[i]! };
}

// stores 1-2 x depts 1-2 (2:2 starts a week later, 1:2 has a gap in the 2nd week)
const ALL = [
  series(1, 1, '2012-01-06', [10, 11, 12]),
  series(1, 2, '2012-01-06', [100, NaN, 300]),
  series(2, 1, '2012-01-06', [1000, 2000, 3000]),
  series(2, 2, '2012-01-13', [0.5, 0.25]),
];

describe('aggregateHistory', () => {
  it('total: every series summed per week, gaps adding nothing, with the number of members that had a value', () => {
    const h = aggregateHistory(ALL, { level: 'total', store: 0, dept: 0 }, 104);
    assert.deepEqual(h.weeks, ['2012-01-06', '2012-01-13', '2012-01-20']);
    assert.deepEqual(h.actual, [1110, 2011.5, 3312.25]);
    assert.deepEqual(h.series, [3, 3, 4]);
  });

  it('a store sums its departments only; a department sums it across stores', () => {
    assert.deepEqual(aggregateHistory(ALL, { level: 'store', store: 1, dept: 0 }, 104).actual, [110, 11, 312]);
    assert.deepEqual(aggregateHistory(ALL, { level: 'dept', store: 0, dept: 2 }, 104), { weeks: ['2012-01-06', '2012-01-13', '2012-01-20'], actual: [100, 0.5, 300.25], series: [1, 1, 2] });
  });

  it('keeps the last `weeks` weeks up to `until`', () => {
    const h = aggregateHistory(ALL, { level: 'total', store: 0, dept: 0 }, 1, '2012-01-13');
    assert.deepEqual([h.weeks, h.actual], [['2012-01-13'], [2011.5]]);
  });

  it('a node no series belongs to has no weeks', () => {
    assert.deepEqual(aggregateHistory(ALL, { level: 'store', store: 9, dept: 0 }, 104).weeks, []);
  });
});
