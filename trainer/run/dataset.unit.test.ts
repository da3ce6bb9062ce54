import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_NAMES, type TrainingMatrix } from '../../domain/features/features.js';
import { earlyStoppingSplit } from './dataset.js';

/** One row per target week (days 0, 7, .., 7 (weeks - 1)), 2 columns; row r has store r, horizon r % 4 + 1, actual 10 r. */
function weekly(weeks: number): TrainingMatrix {
  const n = weeks;
  return {
    X: Float32Array.from({ length: 2 * n }, (_, i) => i),
    y: Float32Array.from({ length: n }, (_, r) => r),
    w: new Float32Array(n).fill(1),
    actual: Float64Array.from({ length: n }, (_, r) => 10 * r),
    rows: n,
    cols: 2,
    names: FEATURE_NAMES.slice(0, 2),
    meta: {
      store: Int32Array.from({ length: n }, (_, r) => r),
      dept: new Int32Array(n).fill(3),
      day: Int32Array.from({ length: n }, (_, r) => 7 * r),
      horizon: Uint8Array.from({ length: n }, (_, r) => (r % 4) + 1),
      isHoliday: Uint8Array.from({ length: n }, (_, r) => (r === 8 ? 1 : 0)),
    },
  };
}

describe('early-stopping split', () => {
  it('holds out the last validWeeks target weeks with their metadata, the rest to fit on', () => {
    const { fit, valid } = earlyStoppingSplit(weekly(10), 6);
    assert.deepEqual([...fit.meta.day], [0, 7, 14, 21]);
    assert.deepEqual([...valid.meta.day], [28, 35, 42, 49, 56, 63]);
    assert.deepEqual([...valid.meta.store], [4, 5, 6, 7, 8, 9]);
    assert.deepEqual([...valid.meta.horizon], [1, 2, 3, 4, 1, 2]);
    assert.deepEqual([...valid.meta.isHoliday], [0, 0, 0, 0, 1, 0]);
    assert.deepEqual([...valid.actual], [40, 50, 60, 70, 80, 90]);
    assert.deepEqual([...valid.X.subarray(0, 4)], [8, 9, 10, 11], 'rows 4 and 5 of X');
    assert.equal(valid.cols, 2);
  });

  it('keeps only the last maxTrainWeeks, holds out nothing at validWeeks 0, and refuses to leave nothing to fit on', () => {
    assert.deepEqual([...earlyStoppingSplit(weekly(10), 2, 5).fit.meta.day], [35, 42, 49]);
    const none = earlyStoppingSplit(weekly(10), 0);
    assert.equal(none.fit.rows, 10);
    assert.equal(none.valid.rows, 0);
    assert.throws(() => earlyStoppingSplit(weekly(6), 6), /validWeeks: expected fewer weeks than the 6/);
  });
});
