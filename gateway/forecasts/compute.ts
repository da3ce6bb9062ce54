import { COL, featureVector, type SeriesHistory } from '../../domain/features/features.js';
import type { ForecastPoint, ForecastPublished, ForecastTrigger } from '../../schemas/types.js';
import type { PredictionInterval } from '../api/schemas.js';
import type { LoadedModel } from '../model/holder.js';
import { scoreWithIntervals } from '../predict/predictor.js';
import { rowAt, type ScoringRow } from '../predict/resolve.js';

/** Whether a series can be forecast from its last week: it needs known sales in the year before (the level); else nothing is published for it. */
export function forecastable(h: SeriesHistory): boolean {
  return h.length > 0 && !Number.isNaN(featureVector(h, h.weekAt(h.length), 1)[COL.level]!);
}

/** The bound of `level` in API intervals, or null. */
function bound(intervals: readonly PredictionInterval[], level: number, side: 'lower' | 'upper'): number | null {
  return intervals.find((iv) => iv.level === level)?.[side] ?? null;
}

/** The API intervals of a published point (the same values, rounded to cents, that scoring on the fly gives). */
export function intervalsOfPoint(p: ForecastPoint): PredictionInterval[] {
  const out: PredictionInterval[] = [];
  if (p.lower80 !== null && p.upper80 !== null) out.push({ level: 0.8, lower: p.lower80, upper: p.upper80 });
  if (p.lower95 !== null && p.upper95 !== null) out.push({ level: 0.95, lower: p.lower95, upper: p.upper95 });
  return out;
}

/**
 * The champion's forecasts h = 1..H from each series' last known week, in
 * one scoring call (the same code as /v1/forecast computes on the fly, so a
 * cached answer equals a computed one). Series that are not forecastable
 * must be left out by the caller.
 */
export async function computeForecasts(
  model: LoadedModel,
  series: readonly SeriesHistory[],
  H: number,
  triggerOf: (h: SeriesHistory) => ForecastTrigger,
  now = Date.now(),
): Promise<{ events: ForecastPublished[]; rows: ScoringRow[]; forecasts: Float64Array }> {
  // Origins and rows come from one snapshot taken before the scoring await: the
  // follower keeps applying sales meanwhile, and a week arriving then moves a
  // series' last index. Reading the origin after the await gave an event whose
  // first point was its own origin, which the contract (and so the projector)
  // refuses; this event is for the data it was computed from, and the new week
  // leaves the series dirty for the next pass.
  const origins = series.map((h) => h.weekAt(h.length - 1));
  const rows: ScoringRow[] = [];
  for (const h of series) for (let k = 1; k <= H; k++) rows.push(rowAt(h, h.length - 1 + k, k));
  const { forecasts, intervals } = await scoreWithIntervals(model, rows, () => 'store');
  const events = series.map((h, s): ForecastPublished => {
    const points: ForecastPoint[] = [];
    for (let k = 0; k < H; k++) {
      const i = s * H + k;
      const iv = intervals[i]!;
      points.push({
        week: rows[i]!.week,
        horizon: k + 1,
        forecast: Math.round(forecasts[i]! * 100) / 100,
        lower80: bound(iv, 0.8, 'lower'),
        upper80: bound(iv, 0.8, 'upper'),
        lower95: bound(iv, 0.95, 'lower'),
        upper95: bound(iv, 0.95, 'upper'),
      });
    }
    return { store: h.store, dept: h.dept, origin: origins[s]!, modelVersion: model.version, trigger: triggerOf(h), points, publishedAt: now };
  });
  return { events, rows, forecasts };
}
