import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrateIntervals, conformalQuantile, intervalAt, intervalGroups, intervalNormalizer, isConformalIntervals, MIN_GROUP_RESIDUALS, seasonOfDay } from './conformal.js';

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

describe('Mondrian groups', () => {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

  it('puts the Thanksgiving week through the week holding December 31 in the peak season', () => {
    // Thanksgiving 2011 is Thursday 11-24: the week labelled Friday 11-25 holds it, the one labelled 11-18 does not
    assert.equal(seasonOfDay(day('2011-11-18')), 'regular');
    assert.equal(seasonOfDay(day('2011-11-25')), 'peak');
    assert.equal(seasonOfDay(day('2011-12-30')), 'peak');
    assert.equal(seasonOfDay(day('2012-01-06')), 'peak', 'covers 12-31..01-06');
    assert.equal(seasonOfDay(day('2012-01-13')), 'regular');
    assert.equal(seasonOfDay(day('2012-07-06')), 'regular');
    assert.deepEqual(intervalGroups({ targetDay: day('2011-12-16'), yearAgoKnown: false }, 50), ['peak/young', 'peak']);
    assert.deepEqual(intervalGroups({ targetDay: day('2012-03-02'), yearAgoKnown: true }, 50, [10, 50, 90]), ['regular/seasoned/size2', 'regular/seasoned', 'regular'], 'scale 50 is at or above 2 of the 3 cuts');
  });

  it('calibrates each group alone and falls back to the pooled table where a group is thin', () => {
    const n = MIN_GROUP_RESIDUALS;
    const jul = day('2012-07-06');
    const dec = day('2011-12-16');
    // n regular seasoned rows with |e|/d = 0.1, n peak seasoned rows with 0.3, all h = 1, scale 100 (one size class)
    const actual = [...Array(n).fill(110), ...Array(n).fill(130)];
    const c = calibrateIntervals(
      { actual, forecast: Array(2 * n).fill(100), scale: Array(2 * n).fill(100), horizon: Array(2 * n).fill(1), context: (i) => ({ targetDay: i < n ? jul : dec, yearAgoKnown: true }) },
      2,
      [0.5],
    );
    assert.deepEqual(c.n, [2 * n, 0]);
    assert.deepEqual(c.sizeCuts, [100, 100, 100]);
    assert.deepEqual(c.groups?.['regular/seasoned'], { halfWidth: [[0.1, null]], n: [n, 0] });
    // pooled: the ceil((2n + 1) / 2) = (n + 1)-th smallest of n x 0.1, n x 0.3 is 0.3
    assert.equal(c.halfWidth[0]![0], 0.3);
    assert.deepEqual(intervalAt(c, 0, 1, 100, 100, { targetDay: jul, yearAgoKnown: true }), { lower: 90, upper: 110 });
    assert.deepEqual(intervalAt(c, 0, 1, 100, 100, { targetDay: dec, yearAgoKnown: true }), { lower: 70, upper: 130 });
    assert.deepEqual(intervalAt(c, 0, 1, 100, 100, { targetDay: jul, yearAgoKnown: false }), { lower: 90, upper: 110 }, 'no young rows: the season answers');
    assert.deepEqual(intervalAt(c, 0, 1, 100, 100), { lower: 70, upper: 130 }, 'no context: the pooled table');
    assert.ok(isConformalIntervals(JSON.parse(JSON.stringify(c))));
  });
});
