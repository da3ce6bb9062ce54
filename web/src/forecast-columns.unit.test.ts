import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORECAST_BANDS, forecastColumns } from './forecast-columns.js';

describe('actual-vs-forecast columns', () => {
  const series = {
    modelVersion: 3,
    weeks: ['2012-10-19', '2012-10-26', '2012-11-02'],
    actual: [10, 11, null],
    predicted: [9, 12, 13],
    lower80: [8, 10, 11],
    upper80: [10, 14, 15],
    lower95: [7, 9, 10],
    upper95: [11, 15, 16],
  };
  const forecast = {
    origin: '2012-10-26',
    points: [
      { week: '2012-11-02', horizon: 1, forecast: 13, intervals: [{ level: 0.8, lower: 11, upper: 15 }, { level: 0.95, lower: 10, upper: 16 }] },
      { week: '2012-11-09', horizon: 2, forecast: 14, intervals: [{ level: 0.8, lower: 11.5, upper: 16.5 }] },
    ],
  };

  it('appends the forecast weeks and lines every column up on one week axis', () => {
    const [x, actual, predicted, ahead, up95, lo95, up80, lo80] = forecastColumns(series, forecast);
    assert.deepEqual(x, ['2012-10-19', '2012-10-26', '2012-11-02', '2012-11-09'].map((w) => Date.parse(`${w}T00:00:00Z`) / 1000));
    assert.deepEqual(actual, [10, 11, null, null]);
    assert.deepEqual(predicted, [9, 12, 13, null]);
    assert.deepEqual(ahead, [null, null, 13, 14]);
    assert.deepEqual(lo80, [8, 10, 11, 11.5]);
    assert.deepEqual(up80, [10, 14, 15, 16.5]);
    assert.deepEqual(lo95, [7, 9, 10, null], 'no 95% interval at h = 2');
    assert.deepEqual(up95, [11, 15, 16, null]);
    assert.deepEqual(FORECAST_BANDS.map((b) => b.series), [[4, 5], [6, 7]], 'the bands fill between the upper and lower columns');
  });

  it('draws the history alone before any model (no forecast, no intervals)', () => {
    const cols = forecastColumns({ modelVersion: null, weeks: ['2012-10-19'], actual: [5], predicted: [null] }, null);
    assert.equal(cols.length, 8);
    assert.deepEqual(cols.slice(1).map((c) => [...c]), [[5], [null], [null], [null], [null], [null], [null]]);
  });
});
