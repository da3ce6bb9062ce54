import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORECAST_PUBLISHED } from '../contracts.js';
import type { ForecastPublished } from '../../schemas/types.js';

const event = (o: Partial<ForecastPublished>): ForecastPublished => ({
  store: 1,
  dept: 1,
  origin: '2012-10-26',
  modelVersion: 3,
  trigger: 'week',
  points: [{ week: '2012-11-02', horizon: 1, forecast: 10, lower80: 8, upper80: 12, lower95: 6, upper95: 14 }],
  publishedAt: 0,
  ...o,
});

describe('forecast.published levels', () => {
  it('an event without a level is a series (producers and events written before the hierarchy)', () => {
    assert.equal(FORECAST_PUBLISHED.validate(event({})).level, 'series');
  });

  it('accepts each level with the store and dept it names, 0 (all) for the other', () => {
    for (const [level, store, dept] of [['total', 0, 0], ['store', 7, 0], ['dept', 0, 92], ['series', 7, 92]] as const) {
      const e = FORECAST_PUBLISHED.validate(event({ level, store, dept }));
      assert.deepEqual([e.level, e.store, e.dept], [level, store, dept]);
    }
  });

  it('refuses an unknown level, a store on a total or dept row, and a missing store on a series or store row, naming the field', () => {
    assert.throws(() => FORECAST_PUBLISHED.validate(event({ level: 'region' as 'total' })), /ForecastPublished\.level.*one of total, store, dept, series/);
    assert.throws(() => FORECAST_PUBLISHED.validate(event({ level: 'total', store: 1, dept: 0 })), /ForecastPublished\.store.*0 \(all\) at level total/);
    assert.throws(() => FORECAST_PUBLISHED.validate(event({ level: 'dept', store: 0, dept: 0 })), /ForecastPublished\.dept.*1 to 65535/);
    assert.throws(() => FORECAST_PUBLISHED.validate(event({ level: 'store', store: 3, dept: 5 })), /ForecastPublished\.dept.*0 \(all\) at level store/);
    assert.throws(() => FORECAST_PUBLISHED.validate(event({ store: 0 })), /ForecastPublished\.store.*1 to 65535/);
  });
});
