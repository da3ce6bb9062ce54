/**
 * The actual-vs-forecast chart's columns from two gateway answers: the
 * series view (actuals, one-week-ahead forecasts and their intervals) and the
 * forecast of the next 1..H weeks with its intervals. Only lines the two up
 * on the week axis; every number comes from the gateway as it is.
 */
import type uPlot from 'uplot';
import type { ForecastData as ForecastResponse, SeriesData as SeriesResponse } from './api-types.js';

/** What the chart reads of GET /v1/series (the interval columns may be absent: the chart then draws none). */
export type SeriesData = Pick<SeriesResponse, 'modelVersion' | 'weeks' | 'actual' | 'predicted'> & Partial<Pick<SeriesResponse, 'lower80' | 'upper80' | 'lower95' | 'upper95'>>;

/** What the chart reads of GET /v1/forecast. */
export type ForecastData = Pick<ForecastResponse, 'origin' | 'points'>;
export type Interval = ForecastData['points'][number]['intervals'][number];

const sec = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

/**
 * [x, actual, predicted (h = 1), forecast (h = 1..H from the last week), upper95, lower95, upper80, lower80]:
 * the interval columns hold the one-week-ahead intervals over the history and the forecast's beyond it.
 */
export function forecastColumns(s: SeriesData, f: ForecastData | null): uPlot.AlignedData {
  const weeks = [...s.weeks];
  const known = new Set(weeks);
  for (const p of f?.points ?? []) if (!known.has(p.week)) weeks.push(p.week);
  const at = new Map(weeks.map((w, i) => [w, i]));
  const col = (src?: (number | null)[]) => weeks.map((_, i) => (src && i < s.weeks.length ? (src[i] ?? null) : null));
  const actual = col(s.actual);
  const predicted = col(s.predicted);
  const forecast = weeks.map((): number | null => null);
  const bounds = { upper95: col(s.upper95), lower95: col(s.lower95), upper80: col(s.upper80), lower80: col(s.lower80) };
  for (const p of f?.points ?? []) {
    const i = at.get(p.week)!;
    forecast[i] = p.forecast;
    const b95 = p.intervals.find((iv) => iv.level === 0.95);
    const b80 = p.intervals.find((iv) => iv.level === 0.8);
    bounds.upper95[i] = b95?.upper ?? null;
    bounds.lower95[i] = b95?.lower ?? null;
    bounds.upper80[i] = b80?.upper ?? null;
    bounds.lower80[i] = b80?.lower ?? null;
  }
  return [weeks.map(sec), actual, predicted, forecast, bounds.upper95, bounds.lower95, bounds.upper80, bounds.lower80];
}

/** The uPlot bands for forecastColumns' layout: 95% (series 4-5) and 80% (series 6-7). */
export const FORECAST_BANDS: uPlot.Band[] = [
  { series: [4, 5], fill: 'var(--band95)' },
  { series: [6, 7], fill: 'var(--band80)' },
];

/** What the chart reads of GET /v1/series/level (an aggregate's summed actuals). */
export interface LevelHistoryData {
  weeks: string[];
  actual: number[];
}

/**
 * [x, actual, forecast, upper95, lower95, upper80, lower80] for a store, a
 * department or the total: its summed actuals, then its published forecast
 * with both intervals. No one-week-ahead column: aggregates are published
 * from the latest origin only.
 */
export function levelColumns(h: LevelHistoryData, f: ForecastData | null): uPlot.AlignedData {
  const [x, actual, , ...rest] = forecastColumns({ modelVersion: null, weeks: h.weeks, actual: h.actual, predicted: [] }, f);
  return [x!, actual!, ...rest];
}

/** The uPlot bands for levelColumns' layout: 95% (series 3-4) and 80% (series 5-6). */
export const LEVEL_BANDS: uPlot.Band[] = [
  { series: [3, 4], fill: 'var(--band95)' },
  { series: [5, 6], fill: 'var(--band80)' },
];
