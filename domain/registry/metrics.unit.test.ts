import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import { SeriesHistory, buildTrainingMatrix } from '../features/features.js';
import {
  baselineForecasts,
  compareOnSamePoints,
  evaluate,
  lastValue,
  mae,
  rmse,
  seasonalNaive,
  wape,
  wmae,
} from './metrics.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

describe('point metrics by hand', () => {
  // errors: -10, +20, 0, -30 ; |y| sum = 100 + 200 + 50 + 150 = 500
  const y = [100, 200, 50, 150];
  const p = [110, 180, 50, 180];
  const hol = [false, true, false, false];

  it('WAPE, MAE, RMSE', () => {
    close(wape(y, p), 60 / 500);
    close(mae(y, p), 60 / 4);
    close(rmse(y, p), Math.sqrt((100 + 400 + 0 + 900) / 4));
  });

  it('holiday-weighted MAE weighs holiday weeks 5', () => {
    close(wmae(y, p, hol), (10 + 5 * 20 + 0 + 30) / (1 + 5 + 1 + 1));
    close(wmae(y, p, [0, 0, 0, 0]), mae(y, p));
  });

  it('WAPE uses |y| so negative sales (returns) still count', () => {
    close(wape([-50, 50], [0, 50]), 50 / 100);
  });

  it('edge cases: empty input and all-zero actuals are NaN, not 0', () => {
    const e = evaluate([], [], []);
    assert.equal(e.n, 0);
    for (const k of ['wape', 'mae', 'rmse', 'wmae'] as const) assert.ok(Number.isNaN(e[k]), k);
    assert.ok(Number.isNaN(wape([0, 0], [1, 2])), 'WAPE undefined when sum|y| = 0');
    close(mae([0, 0], [1, 2]), 1.5);
  });

  it('mismatched lengths are a validation error', () => {
    assert.throws(() => wape([1, 2], [1]), ValidationError);
    assert.throws(() => wmae([1], [1], []), ValidationError);
  });
});

describe('baselines', () => {
  const W0 = '2010-02-05';
  // 60 weeks, y(i) = 10 * i, week 5 missing.
  const rows = Array.from({ length: 60 }, (_, i) => ({ week: addWeeks(W0, i), sales: i === 5 ? null : 10 * i }));
  const h = SeriesHistory.fromRows(2, 9, rows);

  it('seasonal-naive is y(T-52), last-value is y(T-h)', () => {
    assert.equal(seasonalNaive(h, addWeeks(W0, 58)), 60);
    assert.ok(Number.isNaN(seasonalNaive(h, addWeeks(W0, 57))), 'T-52 is the missing week');
    assert.ok(Number.isNaN(seasonalNaive(h, addWeeks(W0, 40))), 'before the series start');
    assert.equal(lastValue(h, addWeeks(W0, 58), 3), 550);
  });

  it('per matrix row, matching the single-series functions', () => {
    const m = buildTrainingMatrix([h], { horizon: 2, fromWeek: addWeeks(W0, 55) });
    const b = baselineForecasts(new Map([['2:9', h]]), m.meta);
    assert.equal(m.rows, 2 * 5); // targets 55..59, h = 1, 2
    for (let r = 0; r < m.rows; r++) {
      const t = (m.meta.day[r]! - h.firstDay) / 7;
      assert.equal(b.seasonalNaive[r], t - 52 === 5 ? Number.NaN : 10 * (t - 52)); // Object.is: NaN equals NaN
      assert.equal(b.lastValue[r], 10 * (t - m.meta.horizon[r]!));
    }
  });
});

describe('compareOnSamePoints', () => {
  it('drops a point for every forecast when one is missing', () => {
    const y = [100, 200, 300, Number.NaN];
    const c = compareOnSamePoints(y, [1, 0, 0, 0], {
      model: [100, 210, 290, 5],
      seasonalNaive: [Number.NaN, 150, 300, 5],
    });
    assert.equal(c.n, 2);
    assert.equal(c.dropped, 2);
    close(c.metrics.model!.wape, (10 + 10) / 500);
    close(c.metrics.seasonalNaive!.wape, 50 / 500);
    close(c.metrics.model!.wmae, 10); // both kept points are non-holiday
  });
});
