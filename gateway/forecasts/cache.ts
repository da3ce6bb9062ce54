import { parseIsoDay } from '../../lib/weeks.js';
import { seriesKey, type ForecastPoint, type ForecastPublished } from '../../schemas/types.js';
import type { SeriesHistory } from '../../domain/features/features.js';

interface Entry {
  event: ForecastPublished;
  /** Day number of the origin, to compare with a series' last week without formatting dates. */
  originDay: number;
  /** The serialized API prediction of each horizon, made on first use (a cached answer is a fixed text). */
  json: (string | undefined)[];
}

/**
 * The gateway's in-memory projection of `forecast.published`: per series, the
 * latest published forecasts (origin, model version, h = 1..H). A hit needs
 * the entry's origin to be the series' last known week and its version to be
 * the model serving the request, so an entry that a new week or a promotion
 * made stale is a miss (computed on the fly), never a wrong answer.
 * `invalidate` drops an entry at once when its inputs changed (a new or
 * corrected week); the publisher then republishes it.
 */
export class ForecastCache {
  private readonly entries = new Map<string, Entry>();
  /** The latest published forecasts of each aggregate node (total, store, dept), keyed `level:store:dept`. */
  private readonly aggregates = new Map<string, ForecastPublished>();

  /** Keeps `e`, an aggregate's forecasts, as that node's current ones (the last one in the log wins). */
  applyAggregate(e: ForecastPublished): void {
    this.aggregates.set(`${e.level}:${e.store}:${e.dept}`, e);
  }

  /** The latest published forecasts of an aggregate node, whatever their version (the route checks it), or null. */
  aggregate(level: 'total' | 'store' | 'dept', store: number, dept: number): ForecastPublished | null {
    return this.aggregates.get(`${level}:${store}:${dept}`) ?? null;
  }

  /** Keeps `e` as the series' current forecasts (the last one in the log wins). */
  apply(e: ForecastPublished): void {
    const day = parseIsoDay(e.origin);
    if (day === null) return;
    this.entries.set(seriesKey(e.store, e.dept), { event: e, originDay: day, json: [] });
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  /** The published forecasts of a series if they are current: from its last known week and by `version`; else null. */
  current(history: SeriesHistory, version: number): ForecastPublished | null {
    const e = this.entries.get(seriesKey(history.store, history.dept));
    if (!e || e.event.modelVersion !== version || history.length === 0) return null;
    return e.originDay === history.firstDay + 7 * (history.length - 1) ? e.event : null;
  }

  /** The cached point for target index t at horizon h (origin t - h), or null when that is not the current published origin. */
  point(history: SeriesHistory, t: number, horizon: number, version: number): ForecastPoint | null {
    if (t - horizon !== history.length - 1) return null;
    return this.current(history, version)?.points[horizon - 1] ?? null;
  }

  /**
   * The serialized prediction of target t at horizon h from the cache, made
   * by `render` the first time and kept with the entry; null on a miss.
   */
  json(history: SeriesHistory, t: number, horizon: number, version: number, render: (p: ForecastPoint) => string): string | null {
    if (t - horizon !== history.length - 1) return null;
    const e = this.entries.get(seriesKey(history.store, history.dept));
    if (!e || e.event.modelVersion !== version || e.originDay !== history.firstDay + 7 * (history.length - 1)) return null;
    const p = e.event.points[horizon - 1];
    if (!p) return null;
    return (e.json[horizon - 1] ??= render(p));
  }

  /** The published entry of a series whatever its version or origin (the publisher's "already done?" check). */
  get(key: string): ForecastPublished | undefined {
    return this.entries.get(key)?.event;
  }

  get size(): number {
    return this.entries.size;
  }

  values(): IterableIterator<Entry> {
    return this.entries.values();
  }
}
