/**
 * fillOrigin sums each distinct window that ends at the origin once
 * (originStats). These tests hold it to the figures by hand, and to the
 * per-window computation it replaced (kept below as the reference, one
 * pass per window plus one for the std) bit for bit, on random series with
 * gaps, short starts and origins before, inside and after the data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks } from '../../lib/weeks.js';
import { SEASON_WEEKS } from '../baselines/baselines.js';
import { COL, FEATURE_COUNT, FEATURE_SPEC, col } from './spec.js';
import { fillOrigin, fillTarget } from './fill.js';
import { SeriesHistory, type HistoryRow } from './series-history.js';

const S = FEATURE_SPEC;
const W0 = '2010-02-05';

/** The per-window statistics fillOrigin used before originStats: one call (two passes) per window. */
function windowStats(s: SeriesHistory, end: number, w: number) {
  let n = 0;
  let sum = 0;
  let sumAbs = 0;
  const lo = Math.max(0, end - w + 1);
  const hi = Math.min(end, s.length - 1);
  for (let i = lo; i <= hi; i++) {
    const v = s.sales[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    sumAbs += Math.abs(v);
  }
  if (n === 0) return { n, mean: NaN, meanAbs: NaN, std: NaN };
  const mean = sum / n;
  let ss = 0;
  for (let i = lo; i <= hi; i++) {
    const v = s.sales[i]!;
    if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
  }
  return { n, mean, meanAbs: sumAbs / n, std: Math.sqrt(ss / n) };
}

/** The window columns (level, scale, windows, last year, count) as the per-window code wrote them. */
function referenceWindows(s: SeriesHistory, o: number): Map<number, number> {
  const out = new Float32Array(FEATURE_COUNT);
  let base = windowStats(s, o, S.level.window);
  if (base.n === 0) base = windowStats(s, o, S.level.fallbackWindow);
  const level = Math.fround(base.n === 0 ? NaN : base.mean);
  const scale = Math.fround(base.n === 0 ? NaN : Math.max(base.meanAbs, S.level.minScale));
  out[COL.level] = level;
  out[COL.scale] = scale;
  const norm = (v: number) => (v - level) / scale;
  S.lags.forEach((k, j) => (out[COL.lags + j] = norm(s.salesAt(o - k + 1))));
  S.windows.forEach((w, j) => {
    const st = windowStats(s, o, w);
    out[COL.windows + 2 * j] = st.n === 0 ? NaN : norm(st.mean);
    out[COL.windows + 2 * j + 1] = st.n === 0 ? NaN : st.std / scale;
  });
  const ly = windowStats(s, o - SEASON_WEEKS, S.lastYearWindow);
  out[COL.lastYear] = ly.n === 0 ? NaN : norm(ly.mean);
  out[COL.known] = windowStats(s, o, S.countWindow).n;
  const cols = [COL.level, COL.scale, COL.lastYear, COL.known, ...S.lags.map((_, j) => COL.lags + j), ...S.windows.flatMap((_, j) => [COL.windows + 2 * j, COL.windows + 2 * j + 1])];
  return new Map(cols.map((c) => [c, out[c]!]));
}

/** A deterministic pseudo-random series: `weeks` long, about `gapRate` of the weeks missing, sales of mixed sign and size. */
function randomSeries(seed: number, weeks: number, gapRate: number): SeriesHistory {
  let x = seed >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const size = 10 ** (1 + 4 * rnd());
  const rows: HistoryRow[] = [];
  for (let i = 0; i < weeks; i++) {
    const sales = rnd() < gapRate ? null : Math.round((size * (0.5 + rnd()) - (rnd() < 0.05 ? size : 0)) * 100) / 100;
    rows.push({ week: addWeeks(W0, i), sales });
  }
  return SeriesHistory.fromRows(1, 1, rows);
}

describe('fillOrigin: each window ending at the origin summed once', () => {
  it('by hand: 13- and 52-week windows that differ, a gap, a negative week', () => {
    // 20 weeks: index i sells 10 * (i + 1), except index 10 missing and index 15 at -40
    const rows: HistoryRow[] = Array.from({ length: 20 }, (_, i) => ({ week: addWeeks(W0, i), sales: i === 10 ? null : i === 15 ? -40 : 10 * (i + 1) }));
    const s = SeriesHistory.fromRows(1, 1, rows);
    const v = new Float32Array(FEATURE_COUNT);
    fillOrigin(s, 19, v);
    // 13 weeks up to index 19: indexes 7..19 without 10, i.e. 80, 90, 100, 120, 130, 140, 150, -40, 170, 180, 190, 200 (12 known)
    const w13 = [80, 90, 100, 120, 130, 140, 150, -40, 170, 180, 190, 200];
    const sum13 = 1510; // 80+90+100+120+130+140+150 = 810; -40+170+180+190+200 = 700
    assert.equal(w13.reduce((a, b) => a + b, 0), sum13);
    const level = Math.fround(sum13 / 12); // 125.8333...
    const scale = Math.fround(1590 / 12); // |y| sum: 1510 + 2 * 40 = 1590 -> 132.5
    assert.equal(v[COL.level], level);
    assert.equal(v[COL.scale], scale);
    // 4 weeks: indexes 16..19 = 170, 180, 190, 200: mean 185, std sqrt((225 + 25 + 25 + 225) / 4) = sqrt(125)
    assert.equal(v[col('mean_4')], Math.fround((185 - level) / scale));
    assert.equal(v[col('std_4')], Math.fround(Math.sqrt(125) / scale));
    // 52 weeks: all 19 known weeks; sum = 10 * (1 + ... + 20) - 110 (the gap) - 160 (index 15's 160) - 40 = 2100 - 310 = 1790
    assert.equal(v[col('known_52')], 19);
    assert.equal(v[col('mean_52')], Math.fround((1790 / 19 - level) / scale));
    // 13-week std around 1510 / 12
    const m13 = sum13 / 12;
    const ss13 = w13.reduce((a, y) => a + (y - m13) * (y - m13), 0);
    assert.equal(v[col('std_13')], Math.fround(Math.sqrt(ss13 / 12) / scale));
    assert.equal(v[col('mean_13')], Math.fround((m13 - level) / scale));
  });

  it('falls back to the 52-week level when the 13 weeks up to the origin are all missing, and is NaN with nothing known', () => {
    const rows: HistoryRow[] = Array.from({ length: 30 }, (_, i) => ({ week: addWeeks(W0, i), sales: i < 5 ? 100 + i : null }));
    const s = SeriesHistory.fromRows(1, 1, rows);
    const v = new Float32Array(FEATURE_COUNT);
    fillOrigin(s, 29, v);
    // 13 weeks (17..29) empty; 52 weeks hold 100..104: level 102, scale 102
    assert.equal(v[COL.level], 102);
    assert.equal(v[COL.scale], 102);
    assert.ok(Number.isNaN(v[col('mean_13')]!) && Number.isNaN(v[col('std_4')]!));
    assert.equal(v[col('known_52')], 5);
    const empty = SeriesHistory.fromRows(1, 1, rows.map((r) => ({ ...r, sales: null })));
    fillOrigin(empty, 29, v);
    assert.ok(Number.isNaN(v[COL.level]!) && Number.isNaN(v[COL.scale]!) && Number.isNaN(v[col('mean_52')]!));
    assert.equal(v[col('known_52')], 0);
  });

  it('equals the per-window computation bit for bit on 300 random series at every origin', () => {
    const v = new Float32Array(FEATURE_COUNT);
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const s = randomSeries(seed * 7919, 20 + (seed % 140), [0, 0.05, 0.3, 0.8][seed % 4]!);
      for (let o = -3; o < s.length + 3; o++) {
        v.fill(0);
        fillOrigin(s, o, v);
        for (const [c, want] of referenceWindows(s, o)) {
          assert.ok(Object.is(v[c], want), `series ${seed}, origin ${o}, column ${c}: ${v[c]} vs ${want}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 300 * 20 * 16);
  });

  it('a wrong window would be seen: a 12-week level differs from the reference', () => {
    // the comparison above can fail: the same series with the level over 12 weeks instead of 13 gives another level
    const s = randomSeries(99, 80, 0.05);
    const want = referenceWindows(s, 70).get(COL.level)!;
    assert.notEqual(Math.fround(windowStats(s, 70, 12).mean), want);
  });

  it('fillTarget after fillOrigin keeps the target columns (stat_base from the 4-week mean without last year)', () => {
    const rows: HistoryRow[] = Array.from({ length: 20 }, (_, i) => ({ week: addWeeks(W0, i), sales: 10 * (i + 1) }));
    const s = SeriesHistory.fromRows(1, 1, rows);
    const v = new Float32Array(FEATURE_COUNT);
    fillOrigin(s, 19, v);
    fillTarget(s, 20, 1, v);
    // no year-ago week: stat_base is the mean of indexes 16..19 (170..200, mean 185), normalized
    assert.equal(v[COL.statSeasonal], 0);
    assert.equal(v[COL.statBase], Math.fround((185 - v[COL.level]!) / v[COL.scale]!));
  });
});
