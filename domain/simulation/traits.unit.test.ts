import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks } from '../../lib/weeks.js';
import { RETAIL_REFERENCE, formatTraits, measureTraits, pearson, quantile, traitRows, type SalesPoint } from './traits.js';

const START = '2010-02-05';
const alternating = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, k) => (k % 2 === 0 ? lo : hi));
const series = (store: number, dept: number, values: number[], start = START): SalesPoint[] =>
  values.map((sales, k) => ({ store, dept, week: addWeeks(start, k), sales }));

// A: year 2 is 1.2 x year 1 (r = 1, ratio 1.2). B: year 2 in anti-phase (r = -1, ratio 1).
// C: 10 constant weeks (short, no full years).
const A = series(1, 1, [...alternating(10, 20, 52), ...alternating(12, 24, 52)]);
const B = series(1, 2, [...alternating(10, 20, 52), ...alternating(20, 10, 52)]);
const C = series(2, 1, new Array<number>(10).fill(5));

describe('traits: hand-checked three-series example', () => {
  const t = measureTraits([...A, ...B, ...C]);

  it('counts series and the full-year population', () => {
    assert.equal(t.series, 3);
    assert.equal(t.fullYearSeries, 2);
  });

  it('profile correlation quartiles over r = 1 and r = -1', () => {
    assert.deepEqual(t.profileCorrelation.map((x) => +x.toFixed(9)), [-0.5, 0, 0.5]);
  });

  it('year-2 / year-1 percentiles over ratios 1.2 and 1.0', () => {
    assert.deepEqual(t.yearRatio.map((x) => +x.toFixed(9)), [1.02, 1.1, 1.18]);
  });

  it('week-to-week change: median over A 10/16.5, B 10/15, C 0', () => {
    // A's changes: 51 x 10, 51 x 12 and 8 across the year boundary: median 10; mean level (52*15 + 52*18) / 104 = 16.5.
    assert.ok(Math.abs(t.weekChange - 10 / 16.5) < 1e-12, String(t.weekChange));
  });

  it('short share and top-10% share', () => {
    assert.equal(t.shortShare, 1 / 3);
    // totals A 1716, B 1560, C 50; the top 10% of 3 series rounds up to one series
    assert.ok(Math.abs(t.top10Share - 1716 / 3326) < 1e-12);
  });
});

describe('traits: calendar and gaps', () => {
  it('a missing week drops the series from the year traits and breaks the 7-day pair', () => {
    const gappy = A.filter((_, k) => k !== 30);
    const t = measureTraits([...gappy, ...B]);
    assert.equal(t.fullYearSeries, 1);
    assert.equal(t.profileCorrelation[1], -1);
    assert.equal(t.yearRatio[1], 1);
  });

  it('slots weeks by the common calendar, so a series on another weekday lines up', () => {
    const tuesday = series(3, 1, [...alternating(10, 20, 52), ...alternating(12, 24, 52)], '2010-02-09');
    const t = measureTraits([...A, ...tuesday]);
    assert.equal(t.fullYearSeries, 2);
    assert.ok(Math.abs(t.profileCorrelation[0] - 1) < 1e-12);
  });

  it('a series starting after the first year has no full years', () => {
    const late = series(1, 3, new Array<number>(60).fill(7), addWeeks(START, 60));
    assert.equal(measureTraits([...A, ...late]).fullYearSeries, 1);
  });

  it('a repeated series-week keeps the last value', () => {
    const t = measureTraits([...A, { store: 1, dept: 1, week: START, sales: 1e6 }]);
    assert.ok(t.yearRatio[1] < 0.1, 'the replaced first week dominates year 1');
  });
});

describe('traits: helpers and table', () => {
  it('pearson: perfect, anti and undefined for a constant side', () => {
    assert.ok(Math.abs((pearson([1, 2, 3], [2, 4, 6]) ?? 0) - 1) < 1e-12);
    assert.ok(Math.abs((pearson([1, 2, 3], [3, 2, 1]) ?? 0) + 1) < 1e-12);
    assert.equal(pearson([1, 1, 1], [1, 2, 3]), null);
    // hand-computed: x = (1,2,3,4), y = (1,3,2,4): cov 1.0, var 1.25 each -> 0.8
    assert.ok(Math.abs((pearson([1, 2, 3, 4], [1, 3, 2, 4]) ?? 0) - 0.8) < 1e-12);
  });

  it('quantile interpolates like numpy', () => {
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
    assert.equal(quantile([1, 2, 3, 4, 5], 0.1), 1.4);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  it('prints each figure with the real reference and the relative gap', () => {
    const t = { ...RETAIL_REFERENCE, weekChange: 0.2140, series: 1, fullYearSeries: 1 };
    const rows = traitRows(t);
    assert.equal(rows.length, 9);
    const change = rows.find((r) => r.trait.startsWith('median week-to-week'));
    assert.ok(change && Math.abs(change.gap - 1) < 1e-12);
    assert.ok(rows.filter((r) => r !== change).every((r) => r.gap === 0));
    assert.match(formatTraits(t), /median week-to-week change \/ level\s+0\.214\s+0\.107\s+\+100\.0%/);
  });
});
