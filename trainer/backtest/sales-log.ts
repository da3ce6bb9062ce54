/**
 * The sales log as the backtest sees it: every valid `sales.weekly` event of
 * each series, in log order, with no upsert applied yet. Keeping the order
 * (not just the final values the projection keeps) is what lets a cut-off see
 * the data as it stood then: corrections and late weeks are events too.
 */
import { parseIsoDay } from '../../lib/weeks.js';
import type { SalesWeek } from '../../schemas/types.js';
import { rowOfSalesWeek, type HistoryRow } from '../../domain/features/features.js';

/** One series' events in log order. */
export interface SeriesLog {
  store: number;
  dept: number;
  /** `store:dept` */
  key: string;
  rows: HistoryRow[];
  /** Week of each row as a day number (days since 1970-01-01). */
  days: number[];
  /**
   * knownUntil[i] = the latest week among rows 0..i. Row i is part of what
   * was known at cut-off C exactly when knownUntil[i] <= C (see as-of.ts).
   */
  knownUntil: number[];
}

export interface SalesLog {
  /** Ordered by store, then dept. */
  series: SeriesLog[];
  /** Every distinct week in the log (day numbers), ascending. */
  weekDays: number[];
  events: number;
  /** Series whose events came from more than one partition (their order across partitions is consumption order). */
  splitSeries: number;
  /** Events left out because their week is not a whole number of weeks from their series' first week. */
  offGrid: number;
}

/** Collects events in log order (call `add` in the order the log holds them), then `build()`. */
export class SalesLogBuilder {
  private readonly bySeries = new Map<string, SeriesLog & { partition: number; split: boolean }>();
  private readonly weeks = new Set<number>();
  private events = 0;
  private offGrid = 0;

  /** Adds one validated event; `partition` only detects a series spread over partitions. */
  add(e: SalesWeek, partition = 0): void {
    const key = `${e.store}:${e.dept}`;
    let s = this.bySeries.get(key);
    if (!s) this.bySeries.set(key, (s = { store: e.store, dept: e.dept, key, rows: [], days: [], knownUntil: [], partition, split: false }));
    if (s.partition !== partition) s.split = true;
    const day = parseIsoDay(e.week);
    // a week off the series' 7-day grid cannot be placed in a history (the feature module refuses it)
    if (day === null || (s.days.length > 0 && (day - s.days[0]!) % 7 !== 0)) {
      this.offGrid++;
      return;
    }
    const prev = s.knownUntil.length > 0 ? (s.knownUntil[s.knownUntil.length - 1] as number) : -Infinity;
    s.rows.push(rowOfSalesWeek(e));
    s.days.push(day);
    s.knownUntil.push(Math.max(prev, day));
    this.weeks.add(day);
    this.events++;
  }

  build(): SalesLog {
    const series = [...this.bySeries.values()].sort((a, b) => a.store - b.store || a.dept - b.dept);
    return {
      series: series.map(({ store, dept, key, rows, days, knownUntil }) => ({ store, dept, key, rows, days, knownUntil })),
      weekDays: [...this.weeks].sort((a, b) => a - b),
      events: this.events,
      splitSeries: series.filter((s) => s.split).length,
      offGrid: this.offGrid,
    };
  }
}
