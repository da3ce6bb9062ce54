/**
 * Which weeks are cut-offs, and at which of them the model is refitted.
 * Pure functions over the weeks present in the log.
 */
import { AppError } from '../../lib/errors.js';
import { isoOfDay, parseIsoDay } from '../../lib/weeks.js';

/** Thrown when the data cannot support the backtest asked for; the message says what is missing. */
export class BacktestDataError extends AppError {
  constructor(message: string) {
    super('BACKTEST_DATA', message);
  }
}

import type { CutoffSpec } from '../../domain/backtest/request.js';
export type { CutoffSpec };

export interface CutoffPlan {
  /** Cut-off weeks (day numbers), ascending. */
  cutoffs: number[];
  /** What was asked for but cannot be evaluated, in words. */
  notes: string[];
}

/**
 * Picks cut-offs among the log's weeks. A week can be a cut-off when at
 * least `minHistoryWeeks` weeks of data precede it (something to train on)
 * and a later week exists (something to compare with). `last` takes the
 * latest N such weeks; `range` every such week in [from, to].
 * Throws BacktestDataError when none qualifies.
 */
export function planCutoffs(weekDays: readonly number[], spec: CutoffSpec, minHistoryWeeks: number): CutoffPlan {
  const notes: string[] = [];
  if (weekDays.length === 0) throw new BacktestDataError('the sales topic holds no valid events: nothing to backtest');
  const first = weekDays[0]!;
  const last = weekDays[weekDays.length - 1]!;
  const span = `${isoOfDay(first)} .. ${isoOfDay(last)}, ${weekDays.length} weeks`;
  const why = `a cut-off needs ${minHistoryWeeks} weeks of history before it and a later week to compare with`;
  const eligible = weekDays.filter((d) => d < last && (d - first) / 7 >= minHistoryWeeks);
  let cutoffs: number[];
  if (spec.kind === 'last') {
    cutoffs = eligible.slice(Math.max(0, eligible.length - spec.count));
    if (cutoffs.length < spec.count && cutoffs.length > 0) {
      notes.push(`asked for ${spec.count} cut-offs; the data (${span}) allows ${cutoffs.length}: ${why}`);
    }
  } else {
    // the options parser has checked both dates; an unparsable one selects nothing
    const lo = parseIsoDay(spec.from) ?? Infinity;
    const hi = parseIsoDay(spec.to) ?? -Infinity;
    cutoffs = eligible.filter((d) => d >= lo && d <= hi);
    const inRange = weekDays.filter((d) => d >= lo && d <= hi).length;
    if (cutoffs.length > 0 && inRange > cutoffs.length) {
      notes.push(`${inRange - cutoffs.length} of the ${inRange} weeks in ${spec.from} .. ${spec.to} cannot be cut-offs: ${why}`);
    }
  }
  if (cutoffs.length === 0) {
    const asked = spec.kind === 'last' ? `the last ${spec.count} weeks` : `${spec.from} .. ${spec.to}`;
    throw new BacktestDataError(`no cut-off can be evaluated in ${asked}: the data spans ${span}, and ${why}`);
  }
  return { cutoffs, notes };
}

/** Whether cut-off i (0-based) refits: the first one always, then every `every`-th (every >= 1). */
export function isRefit(i: number, every: number): boolean {
  return i % every === 0;
}

/** Number of refits over n cut-offs with one every `every`. */
export function refitCount(n: number, every: number): number {
  return Math.ceil(n / every);
}
