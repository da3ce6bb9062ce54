import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateTime, plural, secToIso, time } from './format.js';
import { isIsoDate, nearestWeeks } from './date-input.js';

describe('dashboard formats', () => {
  it('counts with the singular for exactly one', () => {
    assert.equal(plural(1, 'week'), '1 week');
    assert.equal(plural(2, 'week'), '2 weeks');
    assert.equal(plural(0, 'letter'), '0 letters');
    assert.equal(plural(1204, 'letter'), '1,204 letters');
    assert.equal(plural(2, 'fit'), '2 fits');
  });

  it('writes timestamps as ISO dates with a 24-hour time, in local time', () => {
    const at = new Date(2013, 1, 5, 7, 8, 9).getTime();
    assert.equal(dateTime(at), '2013-02-05 07:08:09');
    assert.equal(time(at), '07:08:09');
    assert.equal(dateTime(null), '–');
  });

  it('names a week on a time axis by its UTC date (no time of day)', () => {
    assert.equal(secToIso(Date.UTC(2012, 10, 2) / 1000), '2012-11-02');
  });

  it('accepts only real dates written YYYY-MM-DD', () => {
    assert.equal(isIsoDate('2012-11-02'), true);
    assert.equal(isIsoDate('2012-02-30'), false);
    assert.equal(isIsoDate('11/02/2012'), false);
    assert.equal(isIsoDate('2012-11-2'), false);
  });

  it('offers the grid weeks around an off-grid date, and nothing for a date on the grid', () => {
    // 2011-03-04 is a Friday: the Thursday 2011-03-03 sits between 2011-02-25 and 2011-03-04
    assert.deepEqual(nearestWeeks('2011-03-04', '2011-03-03'), ['2011-02-25', '2011-03-04']);
    assert.deepEqual(nearestWeeks('2011-03-04', '2011-03-06'), ['2011-03-04', '2011-03-11']);
    assert.equal(nearestWeeks('2011-03-04', '2012-11-02'), null, 'a Friday 87 weeks later');
    assert.equal(nearestWeeks('2011-03-04', '2011-3-3'), null, 'not a date yet');
  });
});
