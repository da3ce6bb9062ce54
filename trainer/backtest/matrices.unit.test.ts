import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks, isoOfDay, parseIsoDay } from '../../lib/weeks.js';
import { COL, FEATURE_COUNT, SeriesHistory } from '../../domain/features/features.js';
import { forecastRows, trainingRows } from './matrices.js';

const START = '2011-01-07';
const week = (i: number) => addWeeks(START, i);
const series = (store: number, weeks: number, from = 0) =>
  SeriesHistory.fromRows(store, 1, Array.from({ length: weeks }, (_, i) => ({ week: week(from + i), sales: 100 * store + i })));

describe('cut-off matrices', () => {
  it('forecasts h = 1..H from the cut-off for series that reach it, and skips the others saying why', () => {
    const stale = SeriesHistory.fromRows(3, 1, [{ week: week(0), sales: 5 }, ...Array.from({ length: 59 }, (_, i) => ({ week: week(i + 1), sales: null }))]);
    const shifted = SeriesHistory.fromRows(4, 1, [{ week: addWeeks(START, 0).replace('-07', '-08'), sales: 1 }]);
    const hs = [series(1, 60), series(2, 30, 30), stale, shifted];
    const C = parseIsoDay(week(59))!;
    const fr = forecastRows(hs, C, 3);
    assert.equal(fr.matrix.rows, 6, 'two series x three horizons');
    assert.deepEqual(Array.from(fr.series), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(Array.from(fr.matrix.meta.day, isoOfDay), [week(60), week(61), week(62), week(60), week(61), week(62)]);
    assert.deepEqual(Array.from(fr.matrix.meta.horizon), [1, 2, 3, 1, 2, 3]);
    assert.equal(fr.noLevel, 1, 'nothing known in the 52 weeks up to the cut-off');
    assert.equal(fr.offGrid, 1, 'a series on another weekday');
    assert.equal(fr.matrix.X[2 * FEATURE_COUNT + COL.horizon], 3);
    assert.ok(fr.matrix.y.every(Number.isNaN), 'no target: the future is not in the data');
  });

  it('trains on targets up to the cut-off, within the window, and samples rows over the row budget', () => {
    const hs = Array.from({ length: 10 }, (_, i) => series(i + 1, 80));
    const C = parseIsoDay(week(70))!;
    const all = trainingRows(hs, C, 2, 20, 1_000_000);
    assert.equal(all.sampleRate, 1);
    const days = Array.from(all.matrix.meta.day);
    assert.equal(Math.max(...days), C, 'no target after the cut-off');
    assert.equal(Math.min(...days), parseIsoDay(week(51))!, '20 target weeks');
    assert.equal(all.matrix.rows, 10 * 20 * 2);
    const thin = trainingRows(hs, C, 2, 20, 100);
    assert.equal(thin.sampleRate, 0.25, '400 rows over a budget of 100');
    assert.ok(thin.matrix.rows > 60 && thin.matrix.rows < 140, `about 100 rows kept, got ${thin.matrix.rows}`);
    assert.ok(new Set(thin.matrix.meta.store).size >= 8, 'a row sample, not a few whole series');
    const again = trainingRows(hs, C, 2, 20, 100);
    assert.deepEqual(Array.from(again.matrix.meta.day), Array.from(thin.matrix.meta.day), 'the same data gives the same sample');
    const full = trainingRows(hs, C, 2, 0, 1_000_000);
    assert.equal(Math.min(...full.matrix.meta.day), parseIsoDay(week(1))!, 'window 0 = the whole history');
  });
});
