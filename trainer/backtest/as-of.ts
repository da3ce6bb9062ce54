/**
 * "Known at cut-off C", defined on the log, not on wall-clock time.
 *
 * A series lives in one partition (key `store:dept`), so its events have a
 * total order. The data known at C for a series is the prefix of its events
 * before the first event of a week later than C: once the series' log has
 * moved past C, anything else that arrives (a correction of week C-3, a late
 * week C) arrived after the cut-off. A series-week's value at C is the last
 * event for it inside that prefix; its final value (the last event overall) is
 * the "actual" a forecast is scored against.
 *
 * Why per series and not a global instant: a CSV import writes the whole
 * history series by series, and the simulator week by week; only the order
 * inside a series means the same thing in both. Record timestamps cannot
 * order a bulk import either (thousands of weeks share one millisecond).
 *
 * Cut-offs only move forward, so one history per series is advanced
 * incrementally: every event is applied once over a whole backtest.
 */
import { isoOfDay } from '../../lib/weeks.js';
import { DeptProfiles, SeriesHistory } from '../../domain/features/features.js';
import type { SalesLog, SeriesLog } from './sales-log.js';

/** Per-series histories as they stood at a cut-off; `advanceTo` only moves forward. */
export class AsOfView {
  /** Aligned with `log.series`; empty until a series' first event is known. */
  readonly histories: SeriesHistory[];
  private readonly applied: Int32Array;
  private cutoff = -Infinity;
  private readonly profiles: DeptProfiles;

  constructor(private readonly log: SalesLog) {
    this.histories = log.series.map((s) => new SeriesHistory(s.store, s.dept));
    // the cross-series features see exactly the as-of data of every series
    const profiles = new DeptProfiles(() => this.histories);
    for (const h of this.histories) h.profiles = profiles;
    this.profiles = profiles;
    this.applied = new Int32Array(log.series.length);
  }

  /**
   * Applies, per series, the events known at `cutoffDay` (days since epoch),
   * then marks week C as known-missing where a series has nothing for it, so
   * every series with data can be forecast from origin C (the feature module
   * refuses an origin past the last week it holds).
   */
  advanceTo(cutoffDay: number): void {
    if (cutoffDay < this.cutoff) throw new RangeError(`cut-offs must not go back: ${isoOfDay(cutoffDay)} after ${isoOfDay(this.cutoff)}`);
    this.cutoff = cutoffDay;
    this.profiles.invalidate();
    this.log.series.forEach((s, i) => {
      const h = this.histories[i]!;
      let p = this.applied[i]!;
      while (p < s.rows.length && s.knownUntil[p]! <= cutoffDay) h.upsert(s.rows[p++]!);
      this.applied[i] = p;
      if (h.length > 0 && h.firstDay + 7 * (h.length - 1) < cutoffDay && (cutoffDay - h.firstDay) % 7 === 0) {
        h.upsert({ week: isoOfDay(cutoffDay), sales: null });
      }
    });
  }

  /** Events applied so far (all series). */
  eventsApplied(): number {
    return this.applied.reduce((a, b) => a + b, 0);
  }
}

/** Each series' final history: every event applied in log order (later events win). */
export function finalHistories(log: SalesLog): SeriesHistory[] {
  return log.series.map((s: SeriesLog) => SeriesHistory.fromRows(s.store, s.dept, s.rows));
}
