import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks } from '../../lib/weeks.js';
import { SeriesHistory, col, featureVector, type HistoryRow } from './features.js';

const W0 = '2010-02-05';
const wk = (i: number) => addWeeks(W0, i);
const f = (v: Float32Array, name: string) => v[col(name)] as number;
const close = (a: number, b: number, msg: string) => assert.ok(Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b)), `${msg}: ${a} vs ${b}`);

/** 70 weeks: 100 a week in the first year, 150 from week 52 on; week 10 is 500 (a peak), week 11 missing. */
function grown(): HistoryRow[] {
  return Array.from({ length: 70 }, (_, i) => ({ week: wk(i), sales: i === 11 ? null : i === 10 ? 500 : i < 52 ? 100 : 150 }));
}

/** The statistical member in sales units, as blend.ts reads it from the vector. */
const statSales = (v: Float32Array) => f(v, 'level') + f(v, 'scale') * f(v, 'stat_base');

describe('statistical member columns (stat_base, stat_seasonal, growth)', () => {
  it('smooths last year 1-2-1 around T-52, a missing neighbour counting as 0', () => {
    const h = SeriesHistory.fromRows(1, 1, grown());
    // T = 63, h = 2 (O = 61): T-51 = 12 (100), T-52 = 11 (missing -> 0), T-53 = 10 (500)
    const v = featureVector(h, wk(63), 2);
    assert.equal(f(v, 'stat_seasonal'), 0, 'y(T-52) unknown: not seasonal');
    // T = 64, h = 2 (O = 62): T-51 = 13 (100), T-52 = 12 (100), T-53 = 11 (missing) -> (100 + 200 + 0) / 4 = 75
    const w = featureVector(h, wk(64), 2);
    assert.equal(f(w, 'stat_seasonal'), 1);
    close(statSales(w), 75, 'smoothed year-ago value');
    // T = 62, h = 1 (O = 61): T-51 = 11 (missing), T-52 = 10 (500), T-53 = 9 (100) -> (0 + 1000 + 100) / 4 = 275
    close(statSales(featureVector(h, wk(62), 1)), 275, 'the peak spreads to its neighbours');
  });

  it('a neighbour after the origin is not read (no leakage at h = 52)', () => {
    const h = SeriesHistory.fromRows(1, 1, grown());
    // T = 69, h = 52: O = 17, T-51 = 18 > O is unknown at O; T-52 = 17 (100), T-53 = 16 (100) -> (0 + 200 + 100) / 4
    const v = featureVector(h, wk(69), 52);
    close(statSales(v), 75, 'T-51 after the origin counts as unknown');
  });

  it('growth pairs each of the last 13 weeks with the same week a year earlier, clipped to 0.6..1.6', () => {
    const h = SeriesHistory.fromRows(1, 1, grown());
    // O = 64: weeks 52..64 (150 each) against 0..12 (100 each, 500 at 10, 11 missing -> that pair is skipped)
    // now = 12 x 150 = 1800; before = 11 x 100 + 500 - 100 = 1500 ... pairs: 0..9, 12 (100 each = 1100) and 10 (500) -> 1600
    const v = featureVector(h, wk(65), 1);
    close(f(v, 'growth'), 1800 / 1600, 'paired weeks only');
    // O = 50: a year earlier is before the series: unknown -> 1
    assert.equal(f(featureVector(h, wk(51), 1), 'growth'), 1);
  });

  it('growth is clipped', () => {
    const rows: HistoryRow[] = Array.from({ length: 66 }, (_, i) => ({ week: wk(i), sales: i < 52 ? 10 : 100 }));
    close(f(featureVector(SeriesHistory.fromRows(1, 1, rows), wk(66), 1), 'growth'), 1.6, 'upper clip');
    const down: HistoryRow[] = Array.from({ length: 66 }, (_, i) => ({ week: wk(i), sales: i < 52 ? 100 : 10 }));
    close(f(featureVector(SeriesHistory.fromRows(1, 1, down), wk(66), 1), 'growth'), 0.6, 'lower clip');
  });

  it('a series without last year takes the mean of its last 4 known weeks', () => {
    const rows: HistoryRow[] = [10, 20, null, 40, 50, 60].map((s, i) => ({ week: wk(i), sales: s }));
    const v = featureVector(SeriesHistory.fromRows(1, 1, rows), wk(8), 3);
    assert.equal(f(v, 'stat_seasonal'), 0);
    // O = 5: weeks 2..5 hold null, 40, 50, 60 -> 50
    close(statSales(v), 50, 'recent mean');
    assert.equal(f(v, 'growth'), 1);
  });
});
