import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHierarchy } from '../../domain/hierarchy/hierarchy.js';
import { conformalQuantile, evaluateHierarchy, scoreLevels, type Slice } from './hierarchy.js';

// 2 stores x 2 depts, bottom order b11, b12, b21, b22; actuals 10, 20, 30, 40 every week
const H = buildHierarchy([{ store: 1, dept: 1 }, { store: 1, dept: 2 }, { store: 2, dept: 1 }, { store: 2, dept: 2 }]);
/**
 * The model errs +1 on b11 and -1 on b12 (they cancel in store 1 and the total);
 * the naive errs by 4 on b11 (+4 on even cut-offs, -4 on odd ones), so the
 * aggregates' naive base errs by 4 in total, store 1 and dept 1.
 */
function slice(c: number): Slice {
  return {
    cutoff: c,
    cutoffDay: 7 * c,
    horizon: 1,
    targetDay: 7 * c + 7,
    holiday: false,
    actual: Float64Array.from([10, 20, 30, 40]),
    model: Float64Array.from([11, 19, 30, 40]),
    naive: Float64Array.from([c % 2 === 0 ? 14 : 6, 20, 30, 40]),
    hw80: Float64Array.from([0.6, 0.6, 0.6, 0.6]),
    hw95: Float64Array.from([2, 2, 2, 2]),
  };
}

describe('the backtest per hierarchy level', () => {
  it('conformal quantile: the ceil((n + 1) q)-th smallest error, infinite when n is too small for q', () => {
    const e = [9, 1, 8, 2, 7, 3, 6, 4, 5];
    assert.equal(conformalQuantile(e, 0.8), 8);
    assert.equal(conformalQuantile(e, 0.95), Number.POSITIVE_INFINITY);
  });

  it('scores base, bottom-up and MinT per level on the cut-offs after the warm-up, with numbers computed by hand', () => {
    const r = evaluateHierarchy(H, Array.from({ length: 8 }, (_, c) => slice(c)), { warmup: 2 });
    assert.equal(r.evaluatedCutoffs, 6);
    assert.deepEqual(r.nodes, { total: 1, store: 2, dept: 2, series: 4 });
    // base: total |4|; stores (4 + 0) / 2; depts (4 + 0) / 2; series (1 + 1 + 0 + 0) / 4, the naive's series (4 + 0 + 0 + 0) / 4
    assert.deepEqual(['total', 'store', 'dept', 'series'].map((l) => r.scores.base[l as 'total'].wmae), [4, 2, 2, 0.5]);
    assert.deepEqual(['total', 'store', 'dept', 'series'].map((l) => r.scores.base[l as 'total'].ratio), [1, 1, 1, 0.5]);
    // bottom-up: the model's errors cancel in the total and store 1; dept 1 = b11 + b21 errs +1, dept 2 = b12 + b22 errs -1
    assert.deepEqual(['total', 'store', 'dept', 'series'].map((l) => r.scores.bottomUp[l as 'total'].wmae), [0, 0, 1, 0.5]);
    assert.equal(r.scores.bottomUp.total.cover80, 1);
    assert.ok(r.incoherence.base > 0.03, 'the base forecasts do not add up (4 off in 104)');
    assert.ok(r.incoherence.bottomUp < 1e-12 && r.incoherence.mintShrink < 1e-9, `coherent: ${JSON.stringify(r.incoherence)}`);
    // MinT combines: no worse than the naive base at the total, and no worse than the better of the two anywhere by much
    assert.ok(r.scores.mintShrink.total.wmae < r.scores.base.total.wmae, `MinT total ${r.scores.mintShrink.total.wmae}`);
    assert.ok(r.lambdas.every((l) => l >= 0 && l <= 1));
    // intervals from the series' half-widths (0.6 at 80%): each dept errs by 1 and sums two series,
    //   sqrt((1 - rho) 0.72 + rho 1.44) reaches 1 from rho = 7/18 ~ 0.39 on (0.3: 0.967, 0.5: 1.039);
    //   series b11 and b12 err by 1 > 0.6, b21 and b22 by 0; the total and stores by 0
    assert.deepEqual(r.combined.dept.map((c) => c.cover80), [0, 0, 0, 0, 1, 1]);
    assert.deepEqual(r.combined.series.map((c) => c.cover80), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(r.combined.total.map((c) => c.cover80), [1, 1, 1, 1, 1, 1]);
  });
});

describe('per-level scores of a backtest', () => {
  it('skips a backtest of fewer than 4 cut-offs with the reason, and scores one of 8 with 4 calibrating', async () => {
    const { PointSet } = await import('../../domain/backtest/points.js');
    const points = new PointSet();
    const series = [{ store: 1, dept: 1 }, { store: 1, dept: 2 }, { store: 2, dept: 1 }, { store: 2, dept: 2 }];
    for (let c = 0; c < 8; c++) {
      const s = slice(c);
      for (let j = 0; j < 4; j++) {
        points.push({ cutoff: c, series: j, horizon: 1, targetDay: s.targetDay, holiday: false, actual: s.actual[j]!, forecasts: { model: s.model[j]!, seasonalNaive: s.naive[j]!, lastValue: 0, mean4: 0 } });
      }
    }
    const few = scoreLevels(points, series, [0, 7, 14]);
    assert.ok('skipped' in few && /need 4 cut-offs or more.*has 3/.test(few.skipped));
    const r = scoreLevels(points, series, Array.from({ length: 8 }, (_, c) => 7 * c));
    assert.ok(!('skipped' in r));
    assert.equal(r.evaluatedCutoffs, 4);
    assert.equal(r.scores.bottomUp.dept.wmae, 1);
  });
});
