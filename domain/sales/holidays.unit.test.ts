import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import { DEFAULT_HOLIDAYS, holidayDay, holidayOfWeek, isHolidayWeek, parseHolidayCalendar } from './holidays.js';

/** Every week label from `first` to `last` inclusive (7 days apart) that the calendar flags. */
function flagged(first: string, last: string): string[] {
  const out: string[] = [];
  for (let w = first; w <= last; w = addWeeks(w, 1)) if (isHolidayWeek(w)) out.push(w);
  return out;
}

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('holiday calendar', () => {
  it('reproduces exactly the IsHoliday flags of the Walmart Friday weeks 2010-02-05..2013-07-26', () => {
    // Hand-copied from the Walmart train/features files.
    assert.deepEqual(flagged('2010-02-05', '2013-07-26'), [
      '2010-02-12', '2010-09-10', '2010-11-26', '2010-12-31',
      '2011-02-11', '2011-09-09', '2011-11-25', '2011-12-30',
      '2012-02-10', '2012-09-07', '2012-11-23', '2012-12-28',
      '2013-02-08',
    ]);
  });

  it('names the holiday of a week, and the week before Christmas is not flagged', () => {
    assert.equal(holidayOfWeek('2010-02-12'), 'Super Bowl');
    assert.equal(holidayOfWeek('2010-09-10'), 'Labor Day');
    assert.equal(holidayOfWeek('2010-11-26'), 'Thanksgiving');
    assert.equal(holidayOfWeek('2010-12-31'), 'Christmas');
    // 2010-12-24 covers 12-18..12-24: Christmas day is the next week's.
    assert.equal(holidayOfWeek('2010-12-24'), null);
  });

  it('uses the D-6..D convention for other weekdays (Tuesday labels)', () => {
    // Tue 2010-02-09 covers Wed 02-03..Tue 02-09 (Super Bowl Sun 02-07); Tue 2010-11-30 covers
    // 11-24..11-30 (Thanksgiving Thu 11-25); Tue 2010-12-28 covers 12-22..12-28; Tue 2010-09-07 covers 09-01..09-07.
    assert.deepEqual(flagged('2010-01-05', '2010-12-28'), ['2010-02-09', '2010-09-07', '2010-11-30', '2010-12-28']);
    // A Sunday label is the last day of its week, so Super Bowl Sunday 2010-02-07 is in week 2010-02-07.
    assert.equal(holidayOfWeek('2010-02-07'), 'Super Bowl');
    assert.equal(holidayOfWeek('2010-02-14'), null);
  });

  it('flags exactly four weeks a year for every weekday labelling', () => {
    for (let offset = 0; offset < 7; offset++) {
      const first = new Date(Date.UTC(2014, 0, 1 + offset)).toISOString().slice(0, 10);
      const weeks = flagged(first, '2018-12-31');
      for (const year of ['2014', '2015', '2016', '2017']) {
        assert.equal(weeks.filter((w) => w.startsWith(year)).length, 4, `offset ${offset} year ${year}: ${weeks.join(',')}`);
      }
    }
  });

  it('moves the Super Bowl to the second Sunday of February from 2022', () => {
    assert.equal(holidayOfWeek('2021-02-12'), 'Super Bowl'); // Sun 2021-02-07, first Sunday
    assert.equal(holidayOfWeek('2022-02-11'), null); // first Sunday 02-06 is not it any more
    assert.equal(holidayOfWeek('2022-02-18'), 'Super Bowl'); // Sun 2022-02-13
    assert.equal(holidayOfWeek('2025-02-14'), 'Super Bowl'); // Sun 2025-02-09
  });

  it('computes rule dates: nth and last weekday, fixed, missing', () => {
    assert.equal(holidayDay({ kind: 'nthWeekday', month: 11, weekday: 4, n: 4 }, 2012), dayOf('2012-11-22'));
    assert.equal(holidayDay({ kind: 'nthWeekday', month: 5, weekday: 1, n: -1 }, 2010), dayOf('2010-05-31'));
    assert.equal(holidayDay({ kind: 'fixed', month: 7, day: 4 }, 2011), dayOf('2011-07-04'));
    assert.equal(holidayDay({ kind: 'fixed', month: 2, day: 30 }, 2011), null);
    assert.equal(holidayDay({ kind: 'nthWeekday', month: 2, weekday: 1, n: 5 }, 2011), null);
  });

  it('takes a custom calendar, including holidays in the previous year of a week spanning New Year', () => {
    const july4 = [{ name: 'Independence Day', rule: { kind: 'fixed', month: 7, day: 4 } } as const];
    assert.equal(isHolidayWeek('2010-07-09', july4), true); // 07-03..07-09
    assert.equal(isHolidayWeek('2010-07-09'), false);
    const dec28 = [{ name: 'Dec 28', rule: { kind: 'fixed', month: 12, day: 28 } } as const];
    assert.equal(isHolidayWeek('2011-01-02', dec28), true); // 2010-12-27..2011-01-02
    assert.equal(isHolidayWeek('2011-01-04', dec28), false); // 2010-12-29..2011-01-04
  });

  it('rejects a bad week date', () => {
    assert.throws(() => isHolidayWeek('2010-02-30'), ValidationError);
    assert.throws(() => isHolidayWeek('12/02/2010'), /week: expected an ISO date/);
  });

  it('validates a calendar from config', () => {
    assert.deepEqual(parseHolidayCalendar(JSON.parse(JSON.stringify(DEFAULT_HOLIDAYS))), DEFAULT_HOLIDAYS);
    assert.throws(
      () => parseHolidayCalendar([{ name: 'x', rule: { kind: 'fixed', month: 13, day: 1 } }]),
      (e: unknown) => e instanceof ValidationError && e.field === 'holidays[0].rule.month',
    );
    assert.throws(() => parseHolidayCalendar([]), ValidationError);
  });
});
