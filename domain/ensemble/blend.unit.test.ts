import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COL, FEATURE_COUNT, FEATURE_NAMES, type TrainingMatrix } from '../features/features.js';
import { blendForecasts, fitBlend, forecastAt, isBlend, statForecast, weightsAt, type Blend } from './blend.js';

/** A matrix whose rows carry only what the blend reads: level, scale, stat columns, horizon. */
function rowsOf(rows: { h: number; level: number; scale: number; base: number; seasonal: boolean; growth: number; actual: number; holiday?: boolean; last?: number; mean4?: number }[]): TrainingMatrix {
  const n = rows.length;
  const X = new Float32Array(n * FEATURE_COUNT).fill(Number.NaN);
  rows.forEach((r, i) => {
    const o = i * FEATURE_COUNT;
    X[o + COL.horizon] = r.h;
    X[o + COL.level] = r.level;
    X[o + COL.scale] = r.scale;
    X[o + COL.statBase] = (r.base - r.level) / r.scale;
    X[o + COL.statSeasonal] = r.seasonal ? 1 : 0;
    X[o + COL.growth] = r.growth;
    if (r.last !== undefined) X[o + COL.lags] = (r.last - r.level) / r.scale;
    if (r.mean4 !== undefined) X[o + COL.windows] = (r.mean4 - r.level) / r.scale;
  });
  return {
    X,
    y: new Float32Array(n),
    w: new Float32Array(n).fill(1),
    actual: Float64Array.from(rows, (r) => r.actual),
    rows: n,
    cols: FEATURE_COUNT,
    names: FEATURE_NAMES,
    meta: {
      store: new Int32Array(n),
      dept: new Int32Array(n),
      day: new Int32Array(n),
      horizon: Uint8Array.from(rows, (r) => r.h),
      isHoliday: Uint8Array.from(rows, (r) => (r.holiday ? 1 : 0)),
    },
  };
}

const blend: Blend = {
  method: 'band-blend-v1',
  bands: [
    { from: 1, to: 4, model: 0.25, growth: 0.5, modelYoung: 1, young: 'mean4' },
    { from: 5, to: 13, model: 0, growth: 1, modelYoung: 0.5, young: 'last' },
  ],
};

describe('blend arithmetic by hand', () => {
  it('the statistical member applies a share of the growth to seasonal rows only', () => {
    const m = rowsOf([
      { h: 1, level: 100, scale: 100, base: 200, seasonal: true, growth: 1.5, actual: 0 },
      { h: 1, level: 100, scale: 100, base: 200, seasonal: false, growth: 1.5, actual: 0 },
    ]);
    assert.equal(statForecast(m.X, 0, 0.5), 200 * 1.25);
    assert.equal(statForecast(m.X, 0, 0), 200);
    assert.equal(statForecast(m.X, FEATURE_COUNT, 1, 'last'), 0, 'no growth without last year: the naive member (lag_1 unknown: 0)');
  });

  it('a row without last year takes the chosen naive member; an unknown value counts as 0', () => {
    const m = rowsOf([{ h: 1, level: 100, scale: 50, base: 120, seasonal: false, growth: 1.5, actual: 0, last: 80, mean4: 90 }, { h: 1, level: 100, scale: 50, base: 120, seasonal: false, growth: 1, actual: 0 }]);
    // float32 columns: within a millionth
    const got = (['zero', 'last', 'mean4'] as const).map((y) => statForecast(m.X, 0, 1, y));
    [0, 80, 90].forEach((want, i) => assert.ok(Math.abs(got[i]! - want) < 1e-5, `${i}: ${got[i]} vs ${want}`));
    assert.equal(statForecast(m.X, FEATURE_COUNT, 0, 'last'), 0, 'lag_1 unknown: 0 sales');
  });

  it('forecastAt blends by the row band and kind; no blend or no band = the model alone', () => {
    const m = rowsOf([
      { h: 2, level: 100, scale: 100, base: 200, seasonal: true, growth: 1.5, actual: 0 },
      { h: 2, level: 100, scale: 100, base: 200, seasonal: false, growth: 1.5, actual: 0 },
      { h: 9, level: 100, scale: 100, base: 200, seasonal: true, growth: 1.5, actual: 0 },
      { h: 20, level: 100, scale: 100, base: 200, seasonal: true, growth: 1.5, actual: 0 },
      { h: 9, level: 100, scale: 100, base: 200, seasonal: false, growth: 1.5, actual: 0 },
    ]);
    // 0.25 x 400 + 0.75 x 250 = 287.5
    assert.equal(forecastAt(400, m.X, 0, blend), 287.5);
    // young rows: modelYoung = 1 in band 1..4
    assert.equal(forecastAt(400, m.X, FEATURE_COUNT, blend), 400);
    // band 5..13: model 0, growth 1 -> 300; a young row there: 0.5 x 400 + 0.5 x last (unknown: 0) = 200
    assert.equal(forecastAt(400, m.X, 2 * FEATURE_COUNT, blend), 300);
    assert.equal(forecastAt(400, m.X, 3 * FEATURE_COUNT, blend), 400, 'h 20 has no band: the model alone');
    assert.equal(forecastAt(400, m.X, 4 * FEATURE_COUNT, blend), 200);
    assert.equal(forecastAt(400, m.X, 0, null), 400);
    assert.deepEqual([...blendForecasts([400, 400, 400, 400, 400], m.X, blend)], [287.5, 400, 300, 400, 200]);
    assert.equal(weightsAt(blend, 13)?.from, 5);
  });
});

describe('fitBlend', () => {
  it('finds the growth share and the model share that minimise WMAE', () => {
    // actuals follow base x (1 + 0.5 (g - 1)) exactly: g = 0.5 is best; the model is off by 100 on each, so w = 0
    const spec = Array.from({ length: 40 }, (_, i) => ({ h: 1 + (i % 4), level: 100, scale: 100, base: 100 + i, seasonal: true, growth: 1.4, actual: (100 + i) * 1.2 }));
    const train = rowsOf(spec);
    const oos = rowsOf(spec);
    const b = fitBlend(train, [{ rows: oos, predictions: Float64Array.from(spec, (s) => s.actual + 100) }], 4);
    assert.equal(b.bands.length, 1);
    assert.equal(b.bands[0]!.growth, 0.5);
    assert.equal(b.bands[0]!.model, 0);
    assert.equal(b.bands[0]!.modelYoung, 1, 'no young rows: the model alone');
    assert.equal(b.bands[0]!.young, 'mean4');
  });

  it('chooses the young member over the training rows without last year', () => {
    const spec = Array.from({ length: 10 }, (_, i) => ({ h: 1, level: 100, scale: 100, base: 100, seasonal: false, growth: 1, actual: 50 + i, last: 50 + i, mean4: 100 }));
    const m = rowsOf(spec);
    assert.equal(fitBlend(m, [], 1).bands[0]!.young, 'last');
    const zeros = rowsOf(spec.map((s) => ({ ...s, actual: 0 })));
    assert.equal(fitBlend(zeros, [], 1).bands[0]!.young, 'zero');
  });

  it('prefers the young rows of the last year of targets when there are at least 200', () => {
    // 1,000 old rows where the 4-week mean is exact, then n recent rows (a year later) where the last value is
    const both = (recent: number) => {
      const old = Array.from({ length: 1000 }, () => ({ h: 1, level: 100, scale: 100, base: 100, seasonal: false, growth: 1, actual: 90, last: 50, mean4: 90 }));
      const now = Array.from({ length: recent }, () => ({ h: 1, level: 100, scale: 100, base: 100, seasonal: false, growth: 1, actual: 50, last: 50, mean4: 90 }));
      const m = rowsOf([...old, ...now]);
      for (let r = 1000; r < m.rows; r++) m.meta.day[r] = 400;
      return fitBlend(m, [], 1).bands[0]!.young;
    };
    assert.equal(both(200), 'last');
    assert.equal(both(199), 'mean4', 'too few recent rows: every year decides');
  });

  it('takes the model when it is exact, and weighs holiday weeks five times', () => {
    const spec = [
      { h: 1, level: 100, scale: 100, base: 100, seasonal: true, growth: 1, actual: 300, holiday: true },
      { h: 1, level: 100, scale: 100, base: 100, seasonal: true, growth: 1, actual: 100 },
      { h: 1, level: 100, scale: 100, base: 100, seasonal: true, growth: 1, actual: 100 },
      { h: 1, level: 100, scale: 100, base: 100, seasonal: true, growth: 1, actual: 100 },
    ];
    const m = rowsOf(spec);
    // the model is exact on the holiday row and 100 off on the three others: WMAE(w) = 5 x 200 (1 - w) + 300 w, lowest at w = 1
    const b = fitBlend(m, [{ rows: m, predictions: Float64Array.from([300, 200, 200, 200]) }], 1);
    assert.equal(b.bands[0]!.model, 1);
    // without the holiday weight the statistical member wins: 200 (1 - w) + 300 w, lowest at w = 0
    const flat = rowsOf(spec.map((s) => ({ ...s, holiday: false })));
    const c = fitBlend(flat, [{ rows: flat, predictions: Float64Array.from([300, 200, 200, 200]) }], 1);
    assert.equal(c.bands[0]!.model, 0);
  });
});

describe('isBlend guards what the gateway loads', () => {
  it('accepts a fitted blend and refuses malformed ones', () => {
    assert.ok(isBlend(blend));
    assert.ok(!isBlend(null));
    assert.ok(!isBlend({ method: 'other', bands: [] }));
    assert.ok(!isBlend({ ...blend, bands: [{ from: 1, to: 4, model: 1.5, growth: 0, modelYoung: 0, young: 'zero' }] }), 'a share above 1');
    assert.ok(!isBlend({ ...blend, bands: [{ from: 1, to: 4, model: 0.5, growth: 0, modelYoung: 0, young: 'median' }] }), 'an unknown young member');
    assert.ok(!isBlend({ ...blend, bands: [{ from: 1, to: 4, model: 0.5, growth: 0 }] }), 'modelYoung missing');
    assert.ok(!isBlend({ ...blend, bands: [{ from: 1, to: 4, model: Number.NaN, growth: 0, modelYoung: 0, young: 'zero' }] }));
  });
});
