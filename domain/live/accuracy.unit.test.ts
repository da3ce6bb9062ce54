import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveAccuracy, SEASONAL_NAIVE_VERSION } from './accuracy.js';

describe('live accuracy', () => {
  it('given forecasts of two versions, when actuals arrive, then WAPE per version per week', () => {
    const a = new LiveAccuracy();
    a.forecast(1, '1:1', '2011-08-19', 110);
    a.forecast(1, '1:2', '2011-08-19', 45);
    a.forecast(2, '1:1', '2011-08-19', 100);
    assert.equal(a.actual('1:1', '2011-08-19', 100), 2);
    assert.equal(a.actual('1:2', '2011-08-19', 50), 1);
    const c = a.columns();
    assert.deepEqual(c.weeks, ['2011-08-19']);
    assert.deepEqual(c.versions, [1, 2]);
    assert.ok(Math.abs(c.wape[0]![0]! - 15 / 150) < 1e-12, 'v1: (10 + 5) / (100 + 50)');
    assert.equal(c.wape[1]![0], 0, 'v2 was exact on the one series it forecast');
    assert.deepEqual(c.overall.map((o) => [o.version, o.n]), [[1, 2], [2, 1]]);
  });

  it('a re-sent actual replaces its earlier contribution instead of counting twice', () => {
    const a = new LiveAccuracy();
    a.forecast(1, '1:1', '2011-08-19', 100);
    a.actual('1:1', '2011-08-19', 50);
    a.actual('1:1', '2011-08-19', 80);
    const o = a.columns().overall[0]!;
    assert.equal(o.n, 1);
    assert.ok(Math.abs(o.wape! - 20 / 80) < 1e-12);
  });

  it('a "forecast" made after the actual is known is not counted', () => {
    const a = new LiveAccuracy();
    a.forecast(1, '1:1', '2011-08-19', 100);
    a.actual('1:1', '2011-08-19', 100);
    a.forecast(2, '1:1', '2011-08-19', 999);
    assert.deepEqual(a.columns().versions, [1]);
  });

  it('an actual nobody forecast changes nothing; prune forgets scored weeks', () => {
    const a = new LiveAccuracy(2);
    assert.equal(a.actual('9:9', '2011-08-19', 1), 0);
    for (const w of ['2011-08-05', '2011-08-12', '2011-08-19']) {
      a.forecast(1, '1:1', w, 1);
      a.actual('1:1', w, 2);
    }
    a.prune('2011-08-19');
    assert.deepEqual(a.columns().weeks, ['2011-08-12', '2011-08-19'], 'keeps the newest 2 weeks');
    assert.equal(a.pendingCount, 1, 'only the latest week stays pending (a late re-send may still correct it)');
  });
});

describe('live accuracy of the seasonal-naive baseline', () => {
  it('is tallied under version 0, left out of the model columns, and reported on its own', () => {
    const a = new LiveAccuracy();
    a.forecast(3, '1:1', '2012-01-06', 110);
    a.forecast(SEASONAL_NAIVE_VERSION, '1:1', '2012-01-06', 80);
    a.forecast(3, '1:2', '2012-01-06', 45);
    a.forecast(SEASONAL_NAIVE_VERSION, '1:2', '2012-01-06', 60);
    a.actual('1:1', '2012-01-06', 100);
    a.actual('1:2', '2012-01-06', 50);
    const c = a.columns();
    assert.deepEqual(c.versions, [3]);
    // model: (10 + 5) / 150 = 0.1; seasonal naive: (20 + 10) / 150 = 0.2
    assert.ok(Math.abs(c.overall[0]!.wape! - 0.1) < 1e-12);
    assert.ok(Math.abs(a.baselineWape()! - 0.2) < 1e-12);
  });
});
