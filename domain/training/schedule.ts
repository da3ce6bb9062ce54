/**
 * The training schedule as a concept the trainer and the gateway share: the
 * cron's ticks (UTC), the request a tick emits, whether the schedule is
 * paused (a fold over `training.schedule` events), and which missed tick a
 * restarted trainer catches up on.
 */
import { CronExpressionParser } from 'cron-parser';
import { ConfigError, messageOf } from '../../lib/errors.js';
import type { ScheduleChanged, TrainingRequested } from '../../schemas/types.js';
import { newRequest } from './request.js';
import type { Decider } from '../decider.js';

function parse(cron: string, at: number) {
  try {
    return CronExpressionParser.parse(cron, { currentDate: new Date(at), tz: 'UTC' });
  } catch (err) {
    throw new ConfigError(`TRAIN_CRON: expected a cron expression (minute hour day month weekday), got ${JSON.stringify(cron)}: ${messageOf(err)}`);
  }
}

/** The first tick strictly after `after` (epoch ms) of a cron expression in UTC; throws ConfigError on a bad expression. */
export function nextTick(cron: string, after: number): number {
  return parse(cron, after).next().getTime();
}

/** The next `n` ticks after `after`, oldest first. */
export function nextTicks(cron: string, after: number, n: number): number[] {
  const it = parse(cron, after);
  return Array.from({ length: n }, () => it.next().getTime());
}

/** The last tick strictly before `before`. */
export function previousTick(cron: string, before: number): number {
  return parse(cron, before).prev().getTime();
}

/** The request a tick emits: its id is derived from the tick, so two trainers firing the same tick make one request. */
export function scheduledRequest(cron: string, tick: number): TrainingRequested {
  const at = new Date(tick).toISOString();
  return newRequest({ trigger: 'schedule', reason: `cron "${cron}" at ${at}`, requestedBy: 'scheduler', requestId: `schedule-${at}`, at: tick });
}

export interface ScheduleState {
  paused: boolean;
  /** why, by whom and when it was last paused or resumed (empty / null before any change) */
  reason: string;
  changedBy: string;
  changedAt: number | null;
}

export const initialSchedule: ScheduleState = { paused: false, reason: '', changedBy: '', changedAt: null };

/** The schedule after one change: the latest event decides. */
export function evolveSchedule(_s: ScheduleState, e: ScheduleChanged): ScheduleState {
  return { paused: e.action === 'paused', reason: e.reason, changedBy: e.changedBy, changedAt: e.changedAt };
}

/** Pause or resume the schedule (the gateway's POST /v1/schedule). */
export interface ScheduleCommand {
  action: ScheduleChanged['action'];
  reason?: string;
  by: string;
  /** When (epoch ms). */
  at: number;
}

/**
 * The schedule as a decider. Every command is recorded, even a pause of a
 * paused schedule: the log keeps who asked and why, and the state is the
 * latest event's either way.
 */
export const scheduleDecider: Decider<ScheduleCommand, ScheduleState, ScheduleChanged> = {
  initial: initialSchedule,
  decide: (cmd) => [scheduleEvent(cmd)],
  evolve: evolveSchedule,
};

/** The event a pause or resume appends (the decision does not depend on the state: see scheduleDecider). */
export function scheduleEvent(cmd: ScheduleCommand): ScheduleChanged {
  return { action: cmd.action, reason: cmd.reason ?? '', changedBy: cmd.by, changedAt: cmd.at };
}

/**
 * The tick a restarted trainer catches up on, once: the latest tick before
 * `now`, when the schedule has run before (`lastScheduled`, the time of the
 * latest schedule request in the log) and missed it. Null when nothing was
 * missed, the schedule never ran (a new system does not train at once), or
 * it is paused.
 */
export function missedTick(cron: string, now: number, lastScheduled: number | null, s: ScheduleState): number | null {
  if (s.paused || lastScheduled === null) return null;
  const prev = previousTick(cron, now);
  return prev > lastScheduled ? prev : null;
}
