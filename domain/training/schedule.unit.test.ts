import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleChanged } from '../../schemas/types.js';
import { isRefusal } from '../decider.js';
import { givenWhenThen } from '../given-when-then.js';
import { scheduleDecider } from './schedule.js';

const paused: ScheduleChanged = { action: 'paused', reason: 'holiday freeze', changedBy: 'ana', changedAt: 10 };

describe('schedule decider (given / when / then)', () => {
  it('given nothing, then it runs (not paused, no change recorded)', () => {
    const { then, state } = givenWhenThen(scheduleDecider, [], []);
    assert.deepEqual(then, []);
    assert.deepEqual(state, { paused: false, reason: '', changedBy: '', changedAt: null });
  });

  it('given paused, when resumed, then one resumed event and the state says who and when', () => {
    const { then, state } = givenWhenThen(scheduleDecider, [paused], { action: 'resumed', by: 'bob', at: 20 });
    assert.deepEqual(then, [{ action: 'resumed', reason: '', changedBy: 'bob', changedAt: 20 }]);
    assert.deepEqual(state, { paused: false, reason: '', changedBy: 'bob', changedAt: 20 });
  });

  it('given paused, when paused again with a reason, then it is recorded (who asked and why) and stays paused', () => {
    const { then, state } = givenWhenThen(scheduleDecider, [paused], { action: 'paused', reason: 'still frozen', by: 'bob', at: 30 });
    assert.ok(!isRefusal(then));
    assert.equal(then.length, 1);
    assert.deepEqual(state, { paused: true, reason: 'still frozen', changedBy: 'bob', changedAt: 30 });
  });
});
