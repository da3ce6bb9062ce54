/**
 * The naive forecasts every model must beat, made from origin O (the cut-off)
 * for target O + h with only what the as-of history holds. NaN when the
 * values they need are unknown; the scorer then drops that point for every
 * method, so all are compared on the same points.
 */
import type { SeriesHistory } from '../../domain/features/features.js';

/** Weeks averaged by the mean baseline. */
export const MEAN_WEEKS = 4;

/** Seasonal naive: the sales 52 weeks before the target (known at O only for h <= 52). */
export function seasonalNaiveAt(s: SeriesHistory, o: number, h: number): number {
  const i = o + h - 52;
  return i <= o ? s.salesAt(i) : Number.NaN;
}

/** Last value: the sales at the origin, for every horizon. */
export function lastValueAt(s: SeriesHistory, o: number): number {
  return s.salesAt(o);
}

/** Mean of the known sales in the `weeks` weeks up to the origin (default 4); NaN when none is known. */
export function meanAt(s: SeriesHistory, o: number, weeks = MEAN_WEEKS): number {
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
