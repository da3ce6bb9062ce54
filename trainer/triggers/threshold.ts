/**
 * The threshold trigger as a decider. It tracks, per series, the first and
 * latest week seen on `sales.weekly`, and decides whether enough series have
 * moved past the data the current model knows:
 *
 * - basis = the later of the champion's last training week and the week the
 *   previous threshold request was fired for. A series has "advanced" when its
 *   latest week is at least `weeks` weeks after the basis (so retraining
 *   waits for a few new weeks, not every one). Including the last fired week is what
 *   keeps the trigger from firing twice for the same data (say the run it
 *   caused was rejected and the champion's window did not move).
 * - with no basis at all (no champion, never fired), a series counts once it
 *   spans `minWeeks` weeks: enough history for a holdout and a seasonal lag.
 *
 * It fires when advanced / total >= fraction (and at least one series
 * advanced), once; the next firing needs newer data than this one.
 */
import { weeksBetween } from '../../lib/weeks.js';
import { assertNever, type Decider } from '../../domain/decider.js';

export interface SeriesSpan {
  readonly first: string;
  readonly latest: string;
}

export interface ThresholdState {
  /** Keyed `store:dept`. */
  readonly series: ReadonlyMap<string, SeriesSpan>;
  readonly championWeek: string | null;
  readonly firedWeek: string | null;
}

export const initialThresholdState: ThresholdState = Object.freeze({ series: new Map<string, SeriesSpan>(), championWeek: null, firedWeek: null });

export type ThresholdEvent =
  /** A batch of series-weeks seen (in any order; re-sent weeks change nothing). */
  | { type: 'weeksObserved'; weeks: readonly { key: string; week: string }[] }
  | { type: 'championChanged'; dataWeek: string | null }
  /** Fired now, or found in the request log at start-up. */
  | { type: 'thresholdReached'; dataWeek: string; basis: string | null; advanced: number; total: number; share: number };

export interface CheckThreshold {
  type: 'check';
  /** Share of series in [0, 1] that must have advanced. */
  fraction: number;
  /** Weeks of history a series needs to count when there is no basis yet. */
  minWeeks: number;
  /** Weeks past the basis a series needs to count as advanced (default 1: any newer week). */
  weeks?: number;
}

/** The share right now: how many series advanced past the basis (or have enough history), out of all. */
export function measure(state: ThresholdState, minWeeks: number, weeks = 1): { basis: string | null; advanced: number; total: number; dataWeek: string | null } {
  const basis = later(state.championWeek, state.firedWeek);
  let advanced = 0;
  let dataWeek: string | null = null;
  for (const s of state.series.values()) {
    if (dataWeek === null || s.latest > dataWeek) dataWeek = s.latest;
    const counts = basis === null ? weeksBetween(s.first, s.latest) + 1 >= minWeeks : s.latest > basis && weeksBetween(basis, s.latest) >= weeks;
    if (counts) advanced++;
  }
  return { basis, advanced, total: state.series.size, dataWeek };
}

/** Zero or one `thresholdReached`; pure; never refuses (a check that does not fire decides nothing). */
export function decideThreshold(cmd: CheckThreshold, state: ThresholdState): ThresholdEvent[] {
  const { basis, advanced, total, dataWeek } = measure(state, cmd.minWeeks, cmd.weeks);
  if (total === 0 || advanced === 0 || dataWeek === null) return [];
  const share = advanced / total;
  if (share < cmd.fraction) return [];
  return [{ type: 'thresholdReached', dataWeek, basis, advanced, total, share }];
}

/** Applies one event; returns a new state (ISO dates compare as strings). */
export function evolveThreshold(state: ThresholdState, e: ThresholdEvent): ThresholdState {
  switch (e.type) {
    case 'weeksObserved': {
      const series = new Map(state.series);
      for (const { key, week } of e.weeks) {
        const s = series.get(key);
        if (!s) series.set(key, { first: week, latest: week });
        else if (week > s.latest || week < s.first) series.set(key, { first: week < s.first ? week : s.first, latest: week > s.latest ? week : s.latest });
      }
      return { ...state, series };
    }
    case 'championChanged':
      return { ...state, championWeek: e.dataWeek };
    case 'thresholdReached':
      return { ...state, firedWeek: later(state.firedWeek, e.dataWeek) };
    default:
      return assertNever(e, 'threshold event');
  }
}

export const thresholdDecider: Decider<CheckThreshold, ThresholdState, ThresholdEvent> = {
  initial: initialThresholdState,
  decide: decideThreshold,
  evolve: evolveThreshold,
};

/** The human reason a threshold request carries. */
export function thresholdReason(e: Extract<ThresholdEvent, { type: 'thresholdReached' }>, fraction: number): string {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const what = e.basis === null ? 'have enough history for a first model' : `have data after ${e.basis}`;
  return `${pct(e.share)} of series (${e.advanced} of ${e.total}) ${what}, latest week ${e.dataWeek}; threshold ${pct(fraction)}`;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
