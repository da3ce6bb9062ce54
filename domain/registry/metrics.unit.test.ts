import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import {
  compareOnSamePoints,
  evaluate,
  mae,
  rmse,
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
