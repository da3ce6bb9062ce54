import { parseIsoDay } from '../../lib/weeks.js';
import { seriesKey, type ForecastPublished } from '../../schemas/types.js';
import { SEASONAL_NAIVE_VERSION, type LiveAccuracy } from '../../domain/live/accuracy.js';
import { seasonalNaive } from '../../domain/baselines/baselines.js';
import type { SeriesStore } from '../state/series-store.js';
import type { ForecastCache } from './cache.js';

/**
 * Where a published forecast goes in the gateway, whether this replica
 * published it or read it from the log: the cache that answers
 * /v1/forecast, /v1/predict and /v1/series, and live accuracy, which scores
 * its one-week-ahead point (beside seasonal naive on the same point) when the
 * actual arrives. So live accuracy and the dashboard read the same
 * projection, and a restarted gateway scores the forecasts it replays
 * against actuals that are already known. Aggregates go to their own map
 * in the cache.
 */
export function applyPublished(d: { cache: ForecastCache; store: SeriesStore; accuracy: LiveAccuracy }, e: ForecastPublished): boolean {
  // an aggregate (total, store, dept) is served by GET /v1/forecast?level=...; live accuracy scores series only
  if (e.level !== undefined && e.level !== 'series') {
    d.cache.applyAggregate(e);
    return false;
  }
  d.cache.apply(e);
  const p = e.points[0];
  if (!p) return false;
  const key = seriesKey(e.store, e.dept);
  d.accuracy.forecast(e.modelVersion, key, p.week, p.forecast);
  let h;
  try {
    h = d.store.get(e.store, e.dept);
  } catch {
    return false; // its sales are not replayed yet: they score it when they arrive
  }
  const day = parseIsoDay(p.week);
  if (day === null) return false;
  const t = (day - h.firstDay) / 7;
  const naive = seasonalNaive(h, t);
  if (Number.isFinite(naive)) d.accuracy.forecast(SEASONAL_NAIVE_VERSION, key, p.week, naive);
  const y = h.salesAt(t);
  return Number.isFinite(y) && d.accuracy.actual(key, p.week, y) > 0;
}
