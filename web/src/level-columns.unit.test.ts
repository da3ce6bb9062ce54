import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEVEL_BANDS, levelColumns } from './forecast-columns.js';

describe('an aggregate level\'s columns', () => {
  const history = { weeks: ['2012-10-19', '2012-10-26'], actual: [1000, 1100] };
  const forecast = {
    origin: '2012-10-26',
    points: [
      { week: '2012-11-02', horizon: 1, forecast: 1200, intervals: [{ level: 0.8, lower: 1100, upper: 1300 }, { level: 0.95, lower: 1000, upper: 1400 }] },
      { week: '2012-11-09', horizon: 2, forecast: 1250, intervals: [{ level: 0.8, lower: 1120, upper: 1380 }, { level: 0.95, lower: 990, upper: 1510 }] },
    ],
  };

  it('draws the summed actuals, then the forecast with both bands beyond them, on one week axis', () => {
    const cols = levelColumns(history, forecast);
    assert.equal(cols.length, 7, 'x, actual, forecast, upper95, lower95, upper80, lower80: no one-week-ahead column');
    const [x, actual, ahead, up95, lo95, up80, lo80] = cols;
    assert.deepEqual(x, ['2012-10-19', '2012-10-26', '2012-11-02', '2012-11-09'].map((w) => Date.parse(`${w}T00:00:00Z`) / 1000));
    assert.deepEqual(actual, [1000, 1100, null, null]);
    assert.deepEqual(ahead, [null, null, 1200, 1250]);
    assert.deepEqual(up95, [null, null, 1400, 1510]);
    assert.deepEqual(lo95, [null, null, 1000, 990]);
    assert.deepEqual(up80, [null, null, 1300, 1380]);
    assert.deepEqual(lo80, [null, null, 1100, 1120]);
  });

  it('bands pair the 95% and 80% bounds of that layout', () => {
    assert.deepEqual(LEVEL_BANDS.map((b) => b.series), [[3, 4], [5, 6]]);
  });

  it('without a forecast yet: the actuals alone', () => {
    const [x, actual, ahead] = levelColumns(history, null);
    assert.equal(x!.length, 2);
    assert.deepEqual(actual, [1000, 1100]);
    assert.deepEqual(ahead, [null, null]);
  });
});
