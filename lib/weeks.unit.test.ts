import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks, isIsoDate, parseIsoDay, weekOfYear, weeksBetween } from './weeks.js';

describe('weeks', () => {
  it('accepts only real calendar dates', () => {
    assert.equal(isIsoDate('2012-02-29'), true);
    assert.equal(isIsoDate('2011-02-29'), false);
    assert.equal(isIsoDate('2010-02-30'), false);
    assert.equal(isIsoDate('2010-2-05'), false);
    assert.equal(isIsoDate('05/02/2010'), false);
    assert.equal(parseIsoDay('1970-01-02'), 1);
  });
  it('adds weeks across month, year and leap day', () => {
    assert.equal(addWeeks('2010-02-05', 1), '2010-02-12');
    assert.equal(addWeeks('2010-12-31', 1), '2011-01-07');
    assert.equal(addWeeks('2012-02-24', 1), '2012-03-02');
    assert.equal(addWeeks('2010-02-05', -52), '2009-02-06');
    assert.equal(weeksBetween('2010-02-05', '2012-10-26'), 142);
  });
  it('gives ISO week numbers whatever the weekday', () => {
    assert.equal(weekOfYear('2010-02-05'), 5); // Friday
    assert.equal(weekOfYear('2010-02-01'), 5); // Monday of the same ISO week
    assert.equal(weekOfYear('2010-01-01'), 53); // belongs to 2009-W53
    assert.equal(weekOfYear('2012-12-28'), 52);
  });
});
