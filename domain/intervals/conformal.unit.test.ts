import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrateIntervals, conformalQuantile, intervalAt, intervalNormalizer, isConformalIntervals } from './conformal.js';

describe('conformal quantile', () => {
  it('takes the ceil((n + 1) * level)-th smallest score', () => {
    const nine = [9, 1, 8, 2, 7, 3, 6, 4, 5];
    assert.equal(conformalQuantile(nine, 0.8), 8, 'ceil(10 * 0.8) = 8th smallest');
    assert.equal(conformalQuantile([0.5, 0.1, 0.3, 0.2], 0.5), 0.3, 'ceil(5 * 0.5) = 3rd of 0.1 0.2 0.3 0.5');
  });

  it('is infinite when there are too few scores for the rank, NaN when there are none', () => {
    assert.equal(conformalQuantile([1, 2, 3, 4, 5, 6, 7, 8, 9], 0.95), Number.POSITIVE_INFINITY, 'ceil(9.5) = 10 > 9');
    assert.ok(Number.isNaN(conformalQuantile([], 0.8)));
    assert.throws(() => conformalQuantile([1], 1), /level/);
  });
});

describe('per-horizon calibration', () => {
  it('divides residuals by max(|forecast|, scale / 4, 1), per horizon, and multiplies the interval back', () => {
    const c = calibrateIntervals(
      {
        //        h=1: |e|/d = 0.1, 0.2, 0      h=2: 0.5, 10/10 = 1.0, 0.25
        actual: [110, 80, 100, 150, 0, 75],
        forecast: [100, 100, 100, 100, 10, 100],
        scale: [100, 50, 7, 100, 10, 100],
        horizon: [1, 1, 1, 2, 2, 2],
      },
      3,
      [0.5],
    );
    assert.deepEqual(c.n, [3, 3, 0]);
    assert.deepEqual(c.halfWidth, [[0.1, 0.5, null]], 'the 2nd smallest of 3 at level 0.5; no residual at h = 3');
    assert.deepEqual(intervalAt(c, 0, 1, 200, 10), { lower: 180, upper: 220 }, '0.1 x 200');
    assert.deepEqual(intervalAt(c, 0, 2, 200, 10), { lower: 100, upper: 300 }, '0.5 x 200');
    assert.deepEqual(intervalAt(c, 0, 1, 2, 40), { lower: 1, upper: 3 }, 'a small forecast keeps a quarter of the scale: 0.1 x 10');
    assert.equal(intervalNormalizer(-50, 40), 50);
    assert.equal(intervalNormalizer(0, 2), 1);
    assert.equal(intervalAt(c, 0, 3, 200, 10), null, 'uncalibrated horizon');
    assert.equal(intervalAt(c, 0, 1, Number.NaN, 10), null);
  });

  it('skips rows with a missing value and accepts only well-formed records', () => {
    const c = calibrateIntervals({ actual: [Number.NaN, 1], forecast: [1, 3], scale: [1, 1], horizon: [1, 1] }, 1, [0.5]);
    assert.deepEqual(c.n, [1]);
    assert.ok(isConformalIntervals(c));
    assert.ok(isConformalIntervals(JSON.parse(JSON.stringify(c))), 'survives the JSON of a run record');
    assert.equal(isConformalIntervals({ method: 'conformal-relative-abs', levels: [0.8], halfWidth: [] }), false);
    assert.equal(isConformalIntervals(null), false);
  });
});
