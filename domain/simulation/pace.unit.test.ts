import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableError, ValidationError } from '../../lib/errors.js';
import type { SimulationPaceChanged } from '../../schemas/types.js';
import { SIMULATION_PACE_CHANGED } from '../contracts.js';
import { AppError } from '../../lib/errors.js';
import { foldAll, isRefusal } from '../decider.js';
import { givenWhenThen } from '../given-when-then.js';
import { batchPlan, effectivePace, eventsPerSecond, evolvePace, initialPace, paceDecider, paceEvent, paceStatus, secondsPerWeekAt, type PaceState } from './pace.js';

const ev = (action: SimulationPaceChanged['action'], secondsPerWeek: number | null = null, changedAt = 1000): SimulationPaceChanged => ({
  action, secondsPerWeek, reason: '', changedBy: 'test', changedAt,
});
const fold = (events: SimulationPaceChanged[]): PaceState => foldAll(paceDecider, events);

describe('simulation pace: the fold', () => {
  it('no event: running at the default, nothing changed yet', () => {
    assert.deepEqual(fold([]), { secondsPerWeek: null, paused: false, last: null });
  });

  it('the latest pace wins; pause and resume leave it', () => {
    const s = fold([ev('paced', 45, 1), ev('paced', 15, 2), ev('paused', null, 3)]);
    assert.equal(s.secondsPerWeek, 15);
    assert.equal(s.paused, true);
    assert.equal(s.last?.action, 'paused');
    assert.equal(s.last?.changedAt, 3);
    const r = evolvePace(s, ev('resumed', null, 4));
    assert.deepEqual([r.secondsPerWeek, r.paused, r.last?.action], [15, false, 'resumed']);
  });

  it('a pace set while paused stays paused until resumed', () => {
    const s = fold([ev('paused'), ev('paced', 120)]);
    assert.deepEqual([s.secondsPerWeek, s.paused], [120, true]);
  });
});

describe('simulation pace: numbers', () => {
  it('seconds per week to events per second, by the number of series in a week', () => {
    // full scale: 45 stores x 80 depts = 3,600 series; 45 s a week = 80 events/s
    assert.equal(eventsPerSecond(45, 3600), 80);
    // the default SIM_RATE 75 events/s over the 3,263 series of the default seed: 43.5 s a week
    assert.equal(Math.round(secondsPerWeekAt(75, 3263) * 10) / 10, 43.5);
    // 12 series at 15 s a week: 0.8 events/s
    assert.equal(eventsPerSecond(15, 12), 0.8);
  });

  it('the effective pace: the default rate until a pace is set; paused means 0 events/s', () => {
    assert.deepEqual(effectivePace(initialPace, 75, 3000), { eventsPerSecond: 75, secondsPerWeek: 40, paused: false, source: 'default' });
    const paced = fold([ev('paced', 120)]);
    assert.deepEqual(effectivePace(paced, 75, 3000), { eventsPerSecond: 25, secondsPerWeek: 120, paused: false, source: 'event' });
    assert.deepEqual(effectivePace(fold([ev('paced', 120), ev('paused')]), 75, 3000), { eventsPerSecond: 0, secondsPerWeek: 120, paused: true, source: 'event' });
  });

  it('batches: about four a second, one event at a time below 4 events/s', () => {
    assert.deepEqual(batchPlan(80), { size: 20, intervalMs: 250 });
    // 75 events/s: 19 events every 253.3 ms
    const p = batchPlan(75);
    assert.equal(p.size, 19);
    assert.equal(Math.round(p.intervalMs * 10) / 10, 253.3);
    assert.deepEqual(batchPlan(0.8), { size: 1, intervalMs: 1250 });
    assert.deepEqual(batchPlan(2), { size: 1, intervalMs: 500 });
    assert.throws(() => batchPlan(0), RangeError);
  });
});

describe('SimulationPaceChanged validator', () => {
  const valid = { action: 'paced', secondsPerWeek: 45, reason: 'demo', changedBy: 'gateway:1.2.3.4', changedAt: 1_700_000_000_000 };
  const refuses = (patch: Record<string, unknown>, field: string, message: RegExp) =>
    assert.throws(() => SIMULATION_PACE_CHANGED.validate({ ...valid, ...patch }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.field, field);
      assert.match(err.message, message);
      return true;
    });

  it('accepts a pace, a pause and a resume', () => {
    assert.deepEqual(SIMULATION_PACE_CHANGED.validate(valid), valid);
    assert.equal(SIMULATION_PACE_CHANGED.validate({ ...valid, action: 'paused', secondsPerWeek: null }).secondsPerWeek, null);
    assert.equal(SIMULATION_PACE_CHANGED.validate({ ...valid, action: 'resumed', secondsPerWeek: null }).action, 'resumed');
  });

  it('names the field and what was expected', () => {
    refuses({ secondsPerWeek: 4 }, 'SimulationPaceChanged.secondsPerWeek', /expected an integer from 5 to 3600 for action paced, got 4/);
    refuses({ secondsPerWeek: 3601 }, 'SimulationPaceChanged.secondsPerWeek', /got 3601/);
    refuses({ secondsPerWeek: null }, 'SimulationPaceChanged.secondsPerWeek', /for action paced/);
    refuses({ action: 'paused' }, 'SimulationPaceChanged.secondsPerWeek', /expected null for action paused, got 45/);
    refuses({ action: 'faster' }, 'SimulationPaceChanged.action', /expected one of paced, paused, resumed/);
    refuses({ changedAt: -1 }, 'SimulationPaceChanged.changedAt', /expected an integer from 0/);
  });
});

describe('simulation pace: the status shown', () => {
  it('rounds seconds per week to 0.1 s and events/s to 0.01, and says who changed it', () => {
    // the default SIM_RATE over the 3,263 series of the default seed: 43.5 s a week
    assert.deepEqual(paceStatus(initialPace, 75, 3263), { secondsPerWeek: 43.5, eventsPerSecond: 75, series: 3263, paused: false, source: 'default', changedBy: null, changedAt: null });
    const s = fold([{ ...ev('paced', 45, 7), changedBy: 'gateway:127.0.0.1' }]);
    // 11 series in 45 s: 0.2444 events/s
    assert.deepEqual(paceStatus(s, 75, 11), { secondsPerWeek: 45, eventsPerSecond: 0.24, series: 11, paused: false, source: 'event', changedBy: 'gateway:127.0.0.1', changedAt: 7 });
  });
});

describe('simulation pace: the command', () => {
  it('paced needs secondsPerWeek, pause and resume take none (422 naming the field)', () => {
    assert.deepEqual(paceEvent({ action: 'paced', secondsPerWeek: 45, by: 'me', at: 5 }), { action: 'paced', secondsPerWeek: 45, reason: '', changedBy: 'me', changedAt: 5 });
    assert.equal(paceEvent({ action: 'paused', reason: 'lunch', by: 'me', at: 5 }).secondsPerWeek, null);
    for (const cmd of [{ action: 'paced' as const }, { action: 'resumed' as const, secondsPerWeek: 45 }]) {
      assert.throws(() => paceEvent({ ...cmd, by: 'me', at: 5 }), (err: unknown) => err instanceof UnprocessableError && err.field === 'secondsPerWeek');
    }
    assert.throws(() => paceEvent({ action: 'paced', secondsPerWeek: 2, by: 'me', at: 5 }), /body\.secondsPerWeek: expected an integer from 5 to 3600/);
  });

  it('given paced 45 s/week, when paused then resumed, then both are recorded and the pace is kept, running', () => {
    const { then, state } = givenWhenThen(
      paceDecider,
      [{ action: 'paced', secondsPerWeek: 45, reason: '', changedBy: 'me', changedAt: 1 }],
      [{ action: 'paused', reason: 'lunch', by: 'ops', at: 2 }, { action: 'resumed', by: 'ops', at: 3 }],
    );
    assert.deepEqual(then, [
      { action: 'paused', secondsPerWeek: null, reason: 'lunch', changedBy: 'ops', changedAt: 2 },
      { action: 'resumed', secondsPerWeek: null, reason: '', changedBy: 'ops', changedAt: 3 },
    ]);
    assert.deepEqual({ secondsPerWeek: state.secondsPerWeek, paused: state.paused }, { secondsPerWeek: 45, paused: false });
  });

  it('given nothing, when paced at 2 s/week (below 5), then the refusal names body.secondsPerWeek', () => {
    const { then } = givenWhenThen(paceDecider, [], { action: 'paced', secondsPerWeek: 2, by: 'me', at: 5 });
    assert.ok(isRefusal(then) && then.refusal instanceof ValidationError && then.refusal.field === 'body.secondsPerWeek');
  });

  it('an action outside the contract is a bug: the fold throws UNREACHABLE naming it', () => {
    assert.throws(
      () => evolvePace(initialPace, { action: 'sped-up' as never, secondsPerWeek: null, reason: '', changedBy: 'x', changedAt: 1 }),
      (e: unknown) => e instanceof AppError && e.code === 'UNREACHABLE' && /pace action "sped-up"/.test(e.message),
    );
  });
});
