/**
 * The naive forecasts every model must beat, declared once: training's
 * holdout, the walk-forward backtest, the gateway's live accuracy and the
 * decay check all score against these. Week indexes count weeks from a
 * series' first week (SeriesHistory); NaN when the value a baseline needs is
 * unknown, so the scorer drops that point for every method alike.
 */
import type { MatrixMeta } from '../features/features.js';

/** The seasonal period: the same week a year before is 52 weeks back. */
export const SEASON_WEEKS = 52;
/** The seasonal period in days (52 x 7 = 364; dates keep their weekday). */
export const SEASON_DAYS = SEASON_WEEKS * 7;
/** Weeks averaged by the mean baseline ("mean4"). */
export const MEAN_WEEKS = 4;

/** What the baselines read: sales by week index (NaN = unknown, also outside the series). */
export interface SalesByWeek {
  salesAt(index: number): number;
}

/** Seasonal naive of target week index t: the sales 52 weeks before it. */
export function seasonalNaive(s: SalesByWeek, t: number): number {
  return s.salesAt(t - SEASON_WEEKS);
}

/**
 * Seasonal naive made at origin o for o + h: the sales 52 weeks before the
 * target when that week is known at o (h <= 52), else NaN.
 */
export function seasonalNaiveFrom(s: SalesByWeek, o: number, h: number): number {
  return h <= SEASON_WEEKS ? seasonalNaive(s, o + h) : Number.NaN;
}

/** Last value made at origin o: the sales at o, for every horizon. */
export function lastValue(s: SalesByWeek, o: number): number {
  return s.salesAt(o);
}

/** Mean of the known sales in the `weeks` weeks up to origin o (default 4); NaN when none is known. */
export function meanOf(s: SalesByWeek, o: number, weeks = MEAN_WEEKS): number {
  let n = 0;
  let sum = 0;
  for (let i = o - weeks + 1; i <= o; i++) {
    const v = s.salesAt(i);
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  return n === 0 ? Number.NaN : sum / n;
}

/** Seasonal naive and last value for every row of a training matrix (target day and horizon per row); `series` is keyed `store:dept`. */
export function baselineForecasts(
  series: ReadonlyMap<string, SalesByWeek & { firstDay: number }>,
  meta: MatrixMeta,
): { seasonalNaive: Float64Array; lastValue: Float64Array } {
  const n = meta.day.length;
  const sn = new Float64Array(n).fill(Number.NaN);
  const lv = new Float64Array(n).fill(Number.NaN);
  for (let r = 0; r < n; r++) {
    const s = series.get(`${meta.store[r]}:${meta.dept[r]}`);
    if (!s) continue;
    const t = ((meta.day[r] as number) - s.firstDay) / 7;
    sn[r] = seasonalNaive(s, t);
    lv[r] = lastValue(s, t - (meta.horizon[r] as number));
  }
  return { seasonalNaive: sn, lastValue: lv };
}
