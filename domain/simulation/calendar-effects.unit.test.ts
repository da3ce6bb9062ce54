import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIsoDay } from '../../lib/weeks.js';
import { holidayOfWeek } from '../sales/holidays.js';
import { easterDay, holidayExposure } from './calendar-effects.js';
import { probit, stratifiedNormals, mulberry32 } from './random.js';

const day = (iso: string) => parseIsoDay(iso) ?? NaN;
const x = (week: string) => holidayExposure(day(week));

describe('calendar effects: tied to the dates, not to week numbers', () => {
  it('finds Easter Sunday', () => {
    assert.deepEqual([2010, 2011, 2012, 2024].map(easterDay), ['2010-04-04', '2011-04-24', '2012-04-08', '2024-03-31'].map(day));
  });

  it('closes the stores on the day of Christmas, in the week that holds Dec 25', () => {
    assert.equal(x('2010-12-31').closed, 1 / 7);
    assert.equal(x('2011-12-30').closed, 1 / 7);
    assert.equal(x('2010-12-24').closed, 0);
  });

  it('moves Christmas Eve between weeks a 52-week lag apart', () => {
    // Friday labels: 2010-12-24 holds Dec 18..24, 2011-12-23 only Dec 17..23.
    assert.ok(x('2010-12-24').christmas > x('2011-12-23').christmas);
    assert.ok(x('2011-12-30').christmas > x('2010-12-31').christmas);
  });

  it('puts Black Friday in the Thanksgiving week for Friday labels, in the next week for Thursday labels', () => {
    assert.ok(x('2010-11-26').thanksgiving > 2 * x('2010-12-03').thanksgiving);
    // Thursday-labelled weeks: 2010-11-25 holds Thanksgiving Day; 2010-12-02 holds Black Friday.
    assert.ok(x('2010-12-02').thanksgiving > x('2010-11-25').thanksgiving);
  });

  it('keeps the yearly total of each effect whatever the weekday the weeks end on', () => {
    const yearTotal = (firstEnd: string, key: 'thanksgiving' | 'christmas' | 'superBowl' | 'laborDay' | 'easter') => {
      let s = 0;
      for (let k = 0; k < 53; k++) s += holidayExposure(day(firstEnd) + 7 * k)[key];
      return s;
    };
    for (const key of ['thanksgiving', 'christmas', 'superBowl', 'laborDay', 'easter'] as const) {
      // Both runs of 53 weeks cover 2010-01-09 .. 2011-01-07 entirely (kernels stay inside Feb..Jan 1).
      const friday = yearTotal('2010-01-15', key);
      const tuesday = yearTotal('2010-01-12', key);
      assert.ok(friday > 0 && Math.abs(friday - tuesday) < 1e-9, `${key}: ${friday} vs ${tuesday}`);
    }
  });

  it('moves Easter by weeks, unflagged', () => {
    // Easter 2010-04-04 touches the weeks ending 04-02 and 04-09; Easter 2011-04-24 those ending 04-22 and 04-29.
    assert.ok(x('2010-04-02').easter > 0 && x('2010-04-09').easter > 0 && x('2010-04-16').easter === 0);
    assert.ok(x('2011-04-22').easter > 0 && x('2011-04-01').easter === 0 && x('2011-04-08').easter === 0);
    assert.equal(holidayOfWeek('2011-04-22'), null);
  });
});

describe('random: stratified normals', () => {
  it('probit inverts the normal CDF', () => {
    assert.ok(Math.abs(probit(0.5)) < 1e-9);
    assert.ok(Math.abs(probit(0.975) - 1.959963985) < 1e-6);
    assert.ok(Math.abs(probit(0.001) + 3.090232306) < 1e-6);
  });

  it('draws one value per stratum: the sample spread stays near 1 for any seed', () => {
    for (const seed of [1, 2, 3]) {
      const z = stratifiedNormals(mulberry32(seed), 80);
      const mean = z.reduce((a, b) => a + b, 0) / z.length;
      const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
      assert.ok(Math.abs(mean) < 0.05 && Math.abs(sd - 1) < 0.08, `seed ${seed}: mean ${mean}, sd ${sd}`);
      assert.equal(z.filter((v) => v < 0).length, 40);
    }
  });
});
