import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks } from '../../lib/weeks.js';
import { SeriesHistory, buildTrainingMatrix } from '../features/features.js';
import { MEAN_WEEKS, SEASON_DAYS, SEASON_WEEKS, baselineForecasts, lastValue, meanOf, seasonalNaive, seasonalNaiveFrom } from './baselines.js';

const W0 = '2010-02-05';
// 60 weeks, y(i) = 10 * i, week 5 missing
const rows = Array.from({ length: 60 }, (_, i) => ({ week: addWeeks(W0, i), sales: i === 5 ? null : 10 * i }));
const h = SeriesHistory.fromRows(2, 9, rows);

describe('baselines (hand-checked on y(i) = 10 i, week 5 missing)', () => {
  it('the season is 52 weeks, 364 days; the mean covers 4 weeks', () => {
    assert.deepEqual([SEASON_WEEKS, SEASON_DAYS, MEAN_WEEKS], [52, 364, 4]);
  });

  it('seasonal naive of week 58 is y(6) = 60; of week 57 the missing y(5); before the start, unknown', () => {
    assert.equal(seasonalNaive(h, 58), 60);
    assert.ok(Number.isNaN(seasonalNaive(h, 57)), 'y(5) is missing');
    assert.ok(Number.isNaN(seasonalNaive(h, 40)), 'y(-12): before the series');
  });

  it('seasonal naive from origin 55: h = 3 reads y(6) = 60; h = 53 would need y(56), not known at 55', () => {
    assert.equal(seasonalNaiveFrom(h, 55, 3), 60);
    assert.equal(seasonalNaiveFrom(h, 55, 52), 550);
    assert.ok(Number.isNaN(seasonalNaiveFrom(h, 55, 53)));
  });

  it('last value from origin 55 is y(55) = 550 at every horizon', () => {
    assert.equal(lastValue(h, 55), 550);
  });

  it('the 4-week mean skips unknown weeks: (40+60+70)/3 at origin 7, (510+520+530+540)/4 = 525 at 54', () => {
    assert.equal(meanOf(h, 54), 525);
    assert.equal(meanOf(h, 7), (40 + 60 + 70) / 3);
    assert.equal(meanOf(h, 2, 2), 15);
    assert.ok(Number.isNaN(meanOf(h, -1)), 'no known week');
  });

  it('per matrix row: seasonal naive y(t - 52), last value y(t - h), as the single-series functions', () => {
    const m = buildTrainingMatrix([h], { horizon: 2, fromWeek: addWeeks(W0, 55) });
    const b = baselineForecasts(new Map([['2:9', h]]), m.meta);
    assert.equal(m.rows, 2 * 5); // targets 55..59, h = 1, 2
    for (let r = 0; r < m.rows; r++) {
      const t = (m.meta.day[r]! - h.firstDay) / 7;
      assert.equal(b.seasonalNaive[r], t - 52 === 5 ? Number.NaN : 10 * (t - 52)); // Object.is: NaN equals NaN
      assert.equal(b.lastValue[r], 10 * (t - m.meta.horizon[r]!));
    }
    const other = baselineForecasts(new Map(), m.meta);
    assert.ok(other.seasonalNaive.every(Number.isNaN), 'a series it does not hold: unknown, not 0');
  });
});
