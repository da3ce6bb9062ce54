/**
 * The per-series 7-day grid rule of the sales contract: the weeks of one
 * series are 7 days apart, on whatever weekday the data uses. A date that is
 * real but off its series' grid (a Thursday in a Friday series) is refused
 * by every consumer alike, so the projection, the gateway, the backtest and
 * training never disagree about it. The grid of a series is set by the first
 * week of it that a consumer accepts; consumers read a series in log order
 * (one partition per key), so they all learn the same grid. A consumer that
 * resumes mid-log seeds the grids from what it already holds.
 */
import { ValidationError } from '../../lib/errors.js';
import { isoOfDay, parseIsoDay } from '../../lib/weeks.js';
import { seriesKey } from '../../schemas/types.js';

export class SeriesGrid {
  /** `store:dept` -> a day number on the series' grid */
  private readonly anchors = new Map<string, number>();

  /** Records that `week` is on the series' grid (a week the consumer already holds); the first one seen wins. */
  seed(store: number, dept: number, week: string): void {
    const key = seriesKey(store, dept);
    const day = parseIsoDay(week);
    if (day !== null && !this.anchors.has(key)) this.anchors.set(key, day);
  }

  /** Throws ValidationError on `week` when the event is off its series' grid; otherwise returns it (and learns the grid of a new series). */
  check<T extends { store: number; dept: number; week: string }>(e: T): T {
    const key = seriesKey(e.store, e.dept);
    const day = parseIsoDay(e.week);
    if (day === null) throw new ValidationError('week', 'a real calendar date YYYY-MM-DD', e.week);
    const anchor = this.anchors.get(key);
    if (anchor === undefined) {
      this.anchors.set(key, day);
      return e;
    }
    const off = (((day - anchor) % 7) + 7) % 7;
    if (off !== 0) {
      const near = isoOfDay(day - off);
      throw new ValidationError('week', `a date on series ${key}'s 7-day grid (for example ${near} or ${isoOfDay(day - off + 7)})`, e.week);
    }
    return e;
  }

  /** Series whose grid is known. */
  get size(): number {
    return this.anchors.size;
  }
}
