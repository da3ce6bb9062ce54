import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeks } from '../../lib/weeks.js';
import { foldAll } from '../../domain/decider.js';
import { givenWhenThen } from '../../domain/given-when-then.js';
import { decideThreshold, evolveThreshold, measure, thresholdDecider, type ThresholdEvent, type ThresholdState } from './threshold.js';

const W0 = '2012-01-06';
const wk = (i: number) => addWeeks(W0, i);
/** Four series, each with weeks 0..n-1. */
const history = (n: number, keys = ['1:1', '1:2', '2:1', '2:2']): ThresholdEvent => ({
  type: 'weeksObserved',
  weeks: keys.flatMap((key) => Array.from({ length: n }, (_, i) => ({ key, week: wk(i) }))),
});
const given = (events: ThresholdEvent[]): ThresholdState => foldAll(thresholdDecider, events);
const check = { type: 'check', fraction: 0.5, minWeeks: 10 } as const;

describe('threshold trigger', () => {
  it('given a champion trained to week 9, when 1 of 4 series gets week 10, then it does not fire (25% < 50%)', () => {
    const { then, state: s } = givenWhenThen(thresholdDecider, [history(10), { type: 'championChanged', dataWeek: wk(9) }, { type: 'weeksObserved', weeks: [{ key: '1:1', week: wk(10) }] }], check);
    assert.deepEqual(then, []);
    assert.deepEqual(measure(s, 10), { basis: wk(9), advanced: 1, total: 4, dataWeek: wk(10) });
  });

  it('given 2 of 4 series at week 10, then it fires once with share 0.5, and not again for the same data', () => {
    let s = given([
      history(10),
      { type: 'championChanged', dataWeek: wk(9) },
      { type: 'weeksObserved', weeks: [{ key: '1:1', week: wk(10) }, { key: '2:2', week: wk(10) }] },
    ]);
    const fired = decideThreshold(check, s);
    assert.deepEqual(fired, [{ type: 'thresholdReached', dataWeek: wk(10), basis: wk(9), advanced: 2, total: 4, share: 0.5 }]);
    s = fired.reduce(evolveThreshold, s);
    // the remaining series catch up to week 10 and re-sent weeks arrive: same data, no second request
    s = evolveThreshold(s, { type: 'weeksObserved', weeks: ['1:1', '1:2', '2:1', '2:2'].map((key) => ({ key, week: wk(10) })) });
    assert.deepEqual(decideThreshold(check, s), []);
    // a rejected run leaves the champion at week 9: still no refire
    s = evolveThreshold(s, { type: 'championChanged', dataWeek: wk(9) });
    assert.deepEqual(decideThreshold(check, s), []);
    // week 11 for 3 of 4 series is new data: it fires again
    s = evolveThreshold(s, { type: 'weeksObserved', weeks: ['1:1', '1:2', '2:1'].map((key) => ({ key, week: wk(11) })) });
    assert.equal(decideThreshold(check, s)[0]?.type, 'thresholdReached');
  });

  it('given 2 of 4 series at week 10, when checked twice, then exactly one thresholdReached', () => {
    const { then, state } = givenWhenThen(
      thresholdDecider,
      [history(10), { type: 'championChanged', dataWeek: wk(9) }, { type: 'weeksObserved', weeks: [{ key: '1:1', week: wk(10) }, { key: '2:2', week: wk(10) }] }],
      [check, check],
    );
    assert.deepEqual(then, [{ type: 'thresholdReached', dataWeek: wk(10), basis: wk(9), advanced: 2, total: 4, share: 0.5 }]);
    assert.equal(state.firedWeek, wk(10));
  });

  it('given no champion, then it waits for enough history (10 weeks) in enough series', () => {
    assert.deepEqual(decideThreshold(check, given([history(9)])), []);
    const e = decideThreshold(check, given([history(10)]))[0];
    assert.equal(e?.type, 'thresholdReached');
    assert.equal(e?.type === 'thresholdReached' && e.basis, null);
  });

  it('given a threshold request found in the log at start-up, then the same data does not fire again', () => {
    // weeks 0..10 in every series; champion trained to week 9; a request was already fired for week 10
    const s = given([history(11), { type: 'championChanged', dataWeek: wk(9) }, { type: 'thresholdReached', dataWeek: wk(10), basis: wk(9), advanced: 4, total: 4, share: 1 }]);
    assert.deepEqual(measure(s, 10), { basis: wk(10), advanced: 0, total: 4, dataWeek: wk(10) });
    assert.deepEqual(decideThreshold(check, s), []);
    // an older request in the log never moves the mark back
    assert.equal(evolveThreshold(s, { type: 'thresholdReached', dataWeek: wk(8), basis: null, advanced: 4, total: 4, share: 1 }).firedWeek, wk(10));
  });

  it('never fires with zero advanced series, even at fraction 0', () => {
    const s = given([history(10), { type: 'championChanged', dataWeek: wk(9) }]);
    assert.deepEqual(decideThreshold({ ...check, fraction: 0 }, s), []);
  });

  it('given weeks: 4, then series count only once they hold 4 weeks past the champion\'s data', () => {
    const s3 = given([history(10), { type: 'championChanged', dataWeek: wk(9) }, history(13)]);
    assert.deepEqual(decideThreshold({ ...check, weeks: 4 }, s3), [], '3 new weeks are not enough');
    assert.equal(measure(s3, 10, 4).advanced, 0);
    const s4 = given([history(10), { type: 'championChanged', dataWeek: wk(9) }, history(14)]);
    assert.deepEqual(decideThreshold({ ...check, weeks: 4 }, s4), [{ type: 'thresholdReached', dataWeek: wk(13), basis: wk(9), advanced: 4, total: 4, share: 1 }]);
  });
});
