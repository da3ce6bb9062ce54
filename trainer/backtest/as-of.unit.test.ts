import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIsoDay } from '../../lib/weeks.js';
import { AsOfView, finalHistories } from './as-of.js';
import { salesEvent } from './fixtures.js';
import { SalesLogBuilder } from './sales-log.js';

const W = ['2012-01-06', '2012-01-13', '2012-01-20', '2012-01-27', '2012-02-03'];
const day = (i: number) => parseIsoDay(W[i]!)!;
const sales = (v: AsOfView, s: number) => Array.from(v.histories[s]!.sales.subarray(0, v.histories[s]!.length));

/** Series 1:1 gets corrections at two moments; 1:2 starts late and skips a week. Log order as listed. */
function log() {
  const b = new SalesLogBuilder();
  b.add(salesEvent(1, 1, W[0]!, 10));
  b.add(salesEvent(1, 1, W[1]!, 20));
  b.add(salesEvent(1, 2, W[1]!, 5));
  b.add(salesEvent(1, 1, W[2]!, 30));
  b.add(salesEvent(1, 1, W[1]!, 25)); // correction before the series' week 4 appeared
  b.add(salesEvent(1, 1, W[3]!, 40));
  b.add(salesEvent(1, 1, W[0]!, 11)); // correction after week 4 appeared
  b.add(salesEvent(1, 2, W[4]!, 7));
  return b.build();
}

describe('data as known at a cut-off', () => {
  it('takes each series-week as it stood before the series moved past the cut-off', () => {
    const v = new AsOfView(log());
    v.advanceTo(day(1));
    assert.deepEqual(sales(v, 0), [10, 20]);
    v.advanceTo(day(2));
    assert.deepEqual(sales(v, 0), [10, 25, 30], 'the week-2 correction came before any later week: known at week 3');
    v.advanceTo(day(3));
    assert.deepEqual(sales(v, 0), [11, 25, 30, 40], 'the week-1 correction arrived before week 5: known at week 4');
  });

  it('does not use a correction that arrived after the cut-off, but scores against it', () => {
    const l = log();
    const v = new AsOfView(l);
    v.advanceTo(day(2));
    assert.equal(v.histories[0]!.salesAt(0), 10, 'at week 3 the week-1 value is still 10');
    const final = finalHistories(l);
    assert.equal(final[0]!.salesAt(0), 11, 'the actual is the final value');
    assert.equal(final[0]!.salesAt(1), 25);
  });

  it('never holds a week after the cut-off, and marks the cut-off week missing when a series has none', () => {
    const v = new AsOfView(log());
    v.advanceTo(day(3));
    const s = v.histories[1]!;
    assert.equal(s.weekAt(0), W[1]);
    assert.equal(s.weekAt(s.length - 1), W[3], 'padded to the cut-off');
    assert.ok(Number.isNaN(s.salesAt(1)) && Number.isNaN(s.salesAt(2)));
    assert.equal(v.histories[0]!.length, 4, 'nothing of week 5 yet');
    v.advanceTo(day(4));
    assert.equal(s.salesAt(3), 7, 'the late week fills in when known');
  });

  it('refuses to go back in time', () => {
    const v = new AsOfView(log());
    v.advanceTo(day(3));
    assert.throws(() => v.advanceTo(day(2)), RangeError);
  });

  it('leaves out events off the series week grid and counts them', () => {
    const b = new SalesLogBuilder();
    b.add(salesEvent(3, 1, '2012-01-06', 1));
    b.add(salesEvent(3, 1, '2012-01-10', 2));
    const l = b.build();
    assert.equal(l.events, 1);
    assert.equal(l.offGrid, 1);
    assert.deepEqual(l.weekDays, [day(0)]);
  });
});
