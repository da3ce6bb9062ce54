import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrateIntervals, calibrateOnRows, conformalQuantile, intervalAt, intervalGroups, intervalNormalizer, isConformalIntervals, MIN_GROUP_RESIDUALS, seasonOfDay, type CalibrationPart } from './conformal.js';
import { COL, FEATURE_COUNT, FEATURE_NAMES, FEATURE_SPEC } from '../features/spec.js';
import type { TrainingMatrix } from '../features/features.js';

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

describe('calibration on several parts (holdout + early-stopping rows)', () => {
  const jul = Date.parse('2012-07-06T00:00:00Z') / 86_400_000;
  const slag52 = COL.seasonal + FEATURE_SPEC.seasonalLags.indexOf(52);
  /** h = 1 rows in July, forecast 100 each, with these actuals; `yearAgo` says whether slag_52 is known. */
  function part(actual: number[], scale: number, yearAgo: boolean): CalibrationPart {
    const n = actual.length;
    const X = new Float32Array(n * FEATURE_COUNT);
    for (let r = 0; r < n; r++) {
      X[r * FEATURE_COUNT + COL.scale] = scale;
      X[r * FEATURE_COUNT + slag52] = yearAgo ? 100 : Number.NaN;
    }
    const rows: TrainingMatrix = {
      X,
      y: new Float32Array(n),
      w: new Float32Array(n),
      actual: Float64Array.from(actual),
      rows: n,
      cols: FEATURE_COUNT,
      names: FEATURE_NAMES,
      meta: { store: new Int32Array(n), dept: new Int32Array(n), day: new Int32Array(n).fill(jul), horizon: new Uint8Array(n).fill(1), isHoliday: new Uint8Array(n) },
    };
    return { rows, predictions: new Float64Array(n).fill(100) };
  }
  // |e| / max(100, scale / 4, 1): holdout 0.1 0.2 0.3 0.4 (seasoned, scale 100); validation 0.01 .. 0.05 (young, scale 40)
  const holdout = part([110, 80, 130, 60], 100, true);
  const validation = part([101, 98, 103, 96, 105], 40, false);

  it('pools the residuals of every part into one quantile per horizon', () => {
    const alone = calibrateOnRows([holdout], 1);
    assert.deepEqual(alone.n, [4]);
    assert.deepEqual(alone.halfWidth, [[0.4], [null]], '80%: ceil(5 x 0.8) = 4th of 4; 95%: rank 5 > 4');
    const c = calibrateOnRows([holdout, validation], 1);
    assert.deepEqual(c.n, [9]);
    // 0.01 0.02 0.03 0.04 0.05 0.1 0.2 0.3 0.4: ceil(10 x 0.8) = 8th; ceil(10 x 0.95) = 10 > 9
    assert.deepEqual(c.halfWidth, [[0.3], [null]]);
    assert.deepEqual(calibrateOnRows([validation, holdout], 1), c, 'the order of the parts does not matter');
  });

  it('keeps the Mondrian context of each part and takes the size classes from the pooled rows', () => {
    const c = calibrateOnRows([holdout, validation], 1);
    // scales 40 x 5, 100 x 4: nearest-rank quartiles at indices 2, 4, 6 of the sorted nine
    assert.deepEqual(c.sizeCuts, [40, 40, 100]);
    assert.deepEqual(
      Object.fromEntries(Object.entries(c.groups!).map(([g, t]) => [g, t.n[0]])),
      { regular: 9, 'regular/seasoned': 4, 'regular/seasoned/size3': 4, 'regular/young': 5, 'regular/young/size2': 5 },
    );
    assert.deepEqual(c.groups!['regular/young']!.halfWidth, [[0.05], [null]], '80% of the validation rows alone: ceil(6 x 0.8) = 5th of 5');
  });

  it('is the single-matrix calibration for one part, and refuses predictions that do not match the rows', () => {
    const m = holdout.rows;
    const direct = calibrateIntervals({ actual: m.actual, forecast: holdout.predictions, scale: [100, 100, 100, 100], horizon: m.meta.horizon, context: () => ({ targetDay: jul, yearAgoKnown: true }) }, 1);
    assert.deepEqual(calibrateOnRows([holdout], 1), direct);
    assert.throws(() => calibrateOnRows([holdout, { rows: validation.rows, predictions: [100] }], 1), /parts\[1\]\.predictions: expected 5 \(one per row\), got 1/);
  });
});
