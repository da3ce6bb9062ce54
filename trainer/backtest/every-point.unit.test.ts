import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PointSet, type Point } from '../../domain/backtest/points.js';
import { summarizeEveryPoint, withFallbacks } from './every-point.js';
import { summarize } from './aggregate.js';

const NaN_ = Number.NaN;
const point = (p: Partial<Point> & { actual: number; forecasts: Point['forecasts'] }): Point => ({ cutoff: 0, series: 0, horizon: 1, targetDay: 15000, holiday: false, ...p });

/** Three points: one the model forecast, one it did not (seasonal naive exists), one with neither (a young series). */
function points(): PointSet {
  const s = new PointSet();
  s.push(point({ actual: 100, forecasts: { model: 90, seasonalNaive: 80, lastValue: 70, mean4: 60 }, bounds: { lower80: 95, upper80: 105 } }));
  s.push(point({ series: 1, actual: 200, forecasts: { model: NaN_, seasonalNaive: 150, lastValue: 210, mean4: NaN_ } }));
  s.push(point({ series: 2, actual: 50, holiday: true, forecasts: { model: NaN_, seasonalNaive: NaN_, lastValue: 40, mean4: 45 } }));
  return s;
}

describe('every-point scoring', () => {
  it('fills the model with seasonal naive, else 0, and the baselines with 0', () => {
    const f = withFallbacks(points());
    assert.deepEqual(f.forecasts.model, [90, 150, 0]);
    assert.deepEqual(f.forecasts.seasonalNaive, [80, 150, 0]);
    assert.deepEqual(f.forecasts.mean4, [60, 0, 45]);
    assert.deepEqual(f.bounds.lower80.slice(0, 1), [95]);
    assert.ok(Number.isNaN(f.bounds.lower80[1]!), 'a fallback has no interval');
  });

  it('scores every point with an actual, where the same-point comparison keeps one', () => {
    const p = points();
    assert.equal(summarize(p, ['c'], 1).points, 1, 'same points: only the first has every method');
    const e = summarizeEveryPoint(p, ['c'], 1);
    assert.equal(e.points, 3);
    assert.ok(Math.abs(e.modelShare - 1 / 3) < 1e-12);
    // WMAE (holiday weighs 5): model |10| + |50| + 5 x |50| = 310 over weight 7; seasonal naive 20 + 50 + 5 x 50 = 320
    assert.ok(Math.abs(e.metrics.overall.model!.wmae - 310 / 7) < 1e-9);
    assert.ok(Math.abs(e.metrics.overall.seasonalNaive!.wmae - 320 / 7) < 1e-9);
    // intervals are scored where the model had them: 1 point, inside
    assert.equal(e.metrics.intervals.find((i) => i.level === 0.8)?.n, 1);
  });

  it('reports the points without a value a year earlier against each naive fallback', () => {
    const e = summarizeEveryPoint(points(), ['c'], 1);
    assert.equal(e.noYearAgo.points, 1);
    // the young point is a holiday (weight 5), actual 50: model (fallback 0) 50, zero 50, last value 10, mean 5
    assert.deepEqual(e.noYearAgo.wmae, { model: 50, zero: 50, lastValue: 10, mean4: 5 });
  });
});
