/**
 * The continuous simulator's pace as a concept the simulator and the gateway
 * share: a fold over `simulation.pace` events (the latest pace and the
 * latest pause / resume win), and how a pace in seconds per simulated week
 * turns into events per second and into batches the simulator sends.
 */
import { UnprocessableError, ValidationError } from '../../lib/errors.js';
import type { PaceAction, SimulationPaceChanged } from '../../schemas/types.js';
import type { PaceStatus } from '../live/protocol.js';
import { assertNever, checked, eventsOrThrow, isRefusal, refuse, type Decider, type Refusal } from '../decider.js';

/** Bounds of a pace in seconds per simulated week: faster floods a demo, slower looks stuck. */
export const MIN_SECONDS_PER_WEEK = 5;
export const MAX_SECONDS_PER_WEEK = 3600;

export interface PaceState {
  /** The latest `paced` event's seconds per week; null before any: the simulator's --rate / SIM_RATE decides. */
  secondsPerWeek: number | null;
  paused: boolean;
  /** The latest change of any kind, or null before any. */
  last: { action: PaceAction; secondsPerWeek: number | null; reason: string; changedBy: string; changedAt: number } | null;
}

export const initialPace: PaceState = { secondsPerWeek: null, paused: false, last: null };

/** The pace after one change: `paced` sets the seconds per week and leaves paused as it was; `paused` / `resumed` leave the pace. */
export function evolvePace(s: PaceState, e: SimulationPaceChanged): PaceState {
  const last = { action: e.action, secondsPerWeek: e.secondsPerWeek, reason: e.reason, changedBy: e.changedBy, changedAt: e.changedAt };
  switch (e.action) {
    case 'paced':
      return { ...s, secondsPerWeek: e.secondsPerWeek, last };
    case 'paused':
      return { ...s, paused: true, last };
    case 'resumed':
      return { ...s, paused: false, last };
    default:
      return assertNever(e.action, 'pace action');
  }
}

/** Checks a pace event's seconds per week against its action (`paced`: an integer in bounds; otherwise null); `record` names the field. */
export function validatePaceSeconds(action: PaceAction, secondsPerWeek: number | null, record = 'SimulationPaceChanged'): number | null {
  const field = `${record}.secondsPerWeek`;
  if (action !== 'paced') {
    if (secondsPerWeek !== null) throw new ValidationError(field, `null for action ${action}`, secondsPerWeek);
    return null;
  }
  if (secondsPerWeek === null || !Number.isInteger(secondsPerWeek) || secondsPerWeek < MIN_SECONDS_PER_WEEK || secondsPerWeek > MAX_SECONDS_PER_WEEK) {
    throw new ValidationError(field, `an integer from ${MIN_SECONDS_PER_WEEK} to ${MAX_SECONDS_PER_WEEK} for action paced`, secondsPerWeek);
  }
  return secondsPerWeek;
}

/** Events per second that make a week of `series` events take `secondsPerWeek` seconds. */
export function eventsPerSecond(secondsPerWeek: number, series: number): number {
  return series / secondsPerWeek;
}

/** Seconds a week of `series` events takes at `rate` events per second. */
export function secondsPerWeekAt(rate: number, series: number): number {
  return series / rate;
}

export interface EffectivePace {
  /** Events per second the simulator produces at (0 while paused). */
  eventsPerSecond: number;
  /** Seconds a week of `series` events takes at that pace (when running). */
  secondsPerWeek: number;
  paused: boolean;
  /** 'event': set on simulation.pace; 'default': the simulator's --rate / SIM_RATE. */
  source: 'event' | 'default';
}

/** The pace the simulator follows for a week of `series` events: the latest `paced` event, else `defaultRate` events/s. */
export function effectivePace(s: PaceState, defaultRate: number, series: number): EffectivePace {
  const n = Math.max(1, series);
  if (s.secondsPerWeek === null) return { eventsPerSecond: s.paused ? 0 : defaultRate, secondsPerWeek: secondsPerWeekAt(defaultRate, n), paused: s.paused, source: 'default' };
  return { eventsPerSecond: s.paused ? 0 : eventsPerSecond(s.secondsPerWeek, n), secondsPerWeek: s.secondsPerWeek, paused: s.paused, source: 'event' };
}

/**
 * How the simulator sends at `rate` events per second: about four batches a
 * second (fewer round trips than one event at a time), one event at a time
 * below four events per second, each batch `intervalMs` after the previous.
 */
export function batchPlan(rate: number): { size: number; intervalMs: number } {
  if (!(rate > 0)) throw new RangeError(`rate: expected a positive number of events per second, got ${rate}`);
  const size = Math.max(1, Math.round(rate / 4));
  return { size, intervalMs: (size / rate) * 1000 };
}

/** The pace as the dashboard and GET /v1/simulation/pace show it: seconds per week to 0.1 s, events/s to 0.01. */
export function paceStatus(s: PaceState, defaultRate: number, series: number): PaceStatus {
  const p = effectivePace(s, defaultRate, series);
  return {
    secondsPerWeek: Math.round(p.secondsPerWeek * 10) / 10,
    eventsPerSecond: Math.round(p.eventsPerSecond * 100) / 100,
    series: Math.max(1, series),
    paused: p.paused,
    source: p.source,
    changedBy: s.last?.changedBy ?? null,
    changedAt: s.last?.changedAt ?? null,
  };
}

/** A change asked for (the gateway's POST /v1/simulation/pace): `paced` with secondsPerWeek, `paused` / `resumed` without. */
export interface PaceCommand {
  action: PaceAction;
  secondsPerWeek?: number;
  reason?: string;
  by: string;
  at: number;
}

/** The event a change appends, or the refusal: UnprocessableError naming `secondsPerWeek` when it does not fit the action. */
export function decidePace(cmd: PaceCommand): [SimulationPaceChanged] | Refusal {
  if (cmd.action === 'paced' && cmd.secondsPerWeek === undefined) return refuse(new UnprocessableError('secondsPerWeek', `an integer from ${MIN_SECONDS_PER_WEEK} to ${MAX_SECONDS_PER_WEEK} with action paced`));
  if (cmd.action !== 'paced' && cmd.secondsPerWeek !== undefined) return refuse(new UnprocessableError('secondsPerWeek', `no value with action ${cmd.action} (only paced sets it)`, cmd.secondsPerWeek));
  const secondsPerWeek = checked(() => validatePaceSeconds(cmd.action, cmd.secondsPerWeek ?? null, 'body'));
  if (isRefusal(secondsPerWeek)) return secondsPerWeek;
  return [{ action: cmd.action, secondsPerWeek, reason: cmd.reason ?? '', changedBy: cmd.by, changedAt: cmd.at }];
}

/** The pace as a decider: any change may follow any other (the latest wins), so the state only matters to readers. */
export const paceDecider: Decider<PaceCommand, PaceState, SimulationPaceChanged> = {
  initial: initialPace,
  decide: (cmd) => decidePace(cmd),
  evolve: evolvePace,
};

/** The event a change appends; throws decidePace's refusal (for the gateway's route, which answers with exceptions). */
export function paceEvent(cmd: PaceCommand): SimulationPaceChanged {
  return eventsOrThrow(decidePace(cmd))[0];
}
