import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORECAST_PUBLISHED } from '../contracts.js';
import type { ForecastPublished } from '../../schemas/types.js';
import { aggregateForecasts, MIN_ORIGIN_SHARE } from './publish.js';
import { addWeeks } from '../../lib/weeks.js';
import { LEVEL_RHO } from './intervals.js';

/** A series' event from origin 2012-10-26: forecasts f at h = 1, 2 with 80% half-width w (95%: 2w), or no intervals. */
function series(store: number, dept: number, f: [number, number], w: number | null, origin = '2012-10-26'): ForecastPublished {
  const weeks = [addWeeks(origin, 1), addWeeks(origin, 2)];
  return {
    store,
    dept,
    origin,
    modelVersion: 4,
    trigger: 'week',
    publishedAt: 1,
    points: f.map((x, k) => ({
      week: weeks[k]!,
      horizon: k + 1,
      forecast: x,
      lower80: w === null ? null : x - w,
      upper80: w === null ? null : x + w,
      lower95: w === null ? null : x - 2 * w,
      upper95: w === null ? null : x + 2 * w,
    })),
  };
}

describe('aggregate forecasts published beside the series', () => {
  const events = aggregateForecasts(
    [series(1, 1, [10, 11], 3), series(1, 2, [20, 21], 4), series(2, 1, [30, 31], null), series(2, 2, [40, 41], 0), series(3, 9, [1000, 1000], 1, '2012-10-12')],
    'promotion',
    99,
  );
  const node = (level: string, store: number, dept: number) => events.find((e) => e.level === level && e.store === store && e.dept === dept)!;

  it('sums the series from the latest origin into total, stores and depts, which add up', () => {
    assert.deepEqual(events.map((e) => `${e.level}:${e.store}:${e.dept}`), ['total:0:0', 'store:1:0', 'store:2:0', 'dept:0:1', 'dept:0:2'], 'store 3 stopped two weeks ago: not in this origin\'s sums');
    assert.deepEqual(node('total', 0, 0).points.map((p) => p.forecast), [100, 104]);
    assert.deepEqual([node('store', 1, 0), node('store', 2, 0)].map((e) => e.points[0]!.forecast), [30, 70]);
    assert.deepEqual([node('dept', 0, 1), node('dept', 0, 2)].map((e) => e.points[1]!.forecast), [42, 62]);
    for (const e of events) {
      assert.equal(e.origin, '2012-10-26');
      assert.equal(e.modelVersion, 4);
      assert.equal(e.trigger, 'promotion');
      assert.doesNotThrow(() => FORECAST_PUBLISHED.validate(e), 'every event passes the contract');
    }
  });

  it('combines half-widths at the level\'s correlation; a series without intervals adds none', () => {
    const rho = LEVEL_RHO.store;
    const w = Math.sqrt((1 - rho) * (9 + 16) + rho * 49);
    const s1 = node('store', 1, 0).points[0]!;
    assert.equal(s1.upper80, Math.round((30 + w) * 100) / 100);
    assert.equal(s1.lower95, Math.round((30 - 2 * w) * 100) / 100);
    // store 2: one series without intervals, one with width 0
    assert.deepEqual([node('store', 2, 0).points[0]!.lower80, node('store', 2, 0).points[0]!.upper80], [70, 70]);
  });

  it('gives an aggregate no interval when none of its series has one', () => {
    const only = aggregateForecasts([series(1, 1, [10, 11], null), series(1, 2, [20, 21], null)], 'week', 0);
    assert.equal(only[0]!.points[0]!.lower80, null);
    assert.deepEqual(aggregateForecasts([], 'week', 0), []);
  });

  it('waits while a new week streams in: published once the series a week behind are fewer than 5%', () => {
    assert.equal(MIN_ORIGIN_SHARE, 0.95);
    const moved = (n: number, of: number) =>
      Array.from({ length: of }, (_, i) => series(1, i + 1, [10, 10], 1, i < n ? '2012-11-02' : '2012-10-26'));
    assert.deepEqual(aggregateForecasts(moved(10, 20), 'week', 0), [], 'half the series moved: a total of half would be served');
    assert.deepEqual(aggregateForecasts(moved(18, 20), 'week', 0), [], '90%: still waiting');
    const ready = aggregateForecasts(moved(19, 20), 'week', 0);
    assert.equal(ready[0]!.origin, '2012-11-02');
    assert.equal(ready[0]!.points[0]!.forecast, 190, '95%: the 19 series of the new week (the one missing it joins when it arrives)');
  });
});
