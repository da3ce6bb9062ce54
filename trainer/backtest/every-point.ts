/**
 * Scoring on every point with an actual, the way a planner (and the Walmart
 * competition) scores: a week the model did not forecast still had sales.
 * The same-point comparison (aggregate.ts) keeps only points where every
 * method has a forecast, which hides exactly the series a model handles
 * worst: young, sparse or interrupted ones.
 *
 * Fallbacks, where a method has no forecast of its own:
 *   - the model: seasonal naive, else zero;
 *   - seasonal naive: zero (last year has no value to repeat);
 *   - last value and the 4-week mean: zero.
 * The intervals are scored on the points the model forecast itself (a
 * fallback has none); `modelShare` says how many those are.
 */
import { BOUNDS, METHODS, PointSet, type Method } from '../../domain/backtest/points.js';
import { HOLIDAY_WEIGHT } from '../../domain/registry/metrics.js';
import { summarize, type BacktestMetrics } from './aggregate.js';

export interface EveryPointMetrics {
  metrics: BacktestMetrics;
  /** Points with an actual (all scored here). */
  points: number;
  /** Share of them the model forecast itself (the rest took the fallback). */
  modelShare: number;
  /**
   * The points whose series had no value 52 weeks before the target: WMAE
   * per point of the model (with its fallback) and of each naive fallback.
   */
  noYearAgo: { points: number; wmae: Record<'model' | 'zero' | 'lastValue' | 'mean4', number> };
}

/** The point set with every missing forecast replaced by its fallback (see the file's comment). */
export function withFallbacks(p: PointSet): PointSet {
  const out = new PointSet();
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p.actual[i])) continue;
    const f = (m: Method) => p.forecasts[m][i]!;
    const sn = Number.isFinite(f('seasonalNaive')) ? f('seasonalNaive') : 0;
    const forecasts = Object.fromEntries(METHODS.map((m) => [m, Number.isFinite(f(m)) ? f(m) : 0])) as Record<Method, number>;
    forecasts.seasonalNaive = sn;
    forecasts.model = Number.isFinite(f('model')) ? f('model') : sn;
    out.push({
      cutoff: p.cutoff[i]!,
      series: p.series[i]!,
      horizon: p.horizon[i]!,
      targetDay: p.targetDay[i]!,
      holiday: p.holiday[i] === 1,
      actual: p.actual[i]!,
      forecasts,
      bounds: Object.fromEntries(BOUNDS.map((b) => [b, p.bounds[b][i]!])),
    });
  }
  return out;
}

/** Every-point metrics (same shape as the same-point ones), the model's share and the no-year-ago breakdown. */
export function summarizeEveryPoint(p: PointSet, cutoffs: readonly string[], horizon: number): EveryPointMetrics {
  const filled = withFallbacks(p);
  let own = 0;
  const young = { points: 0, weight: 0, err: { model: 0, zero: 0, lastValue: 0, mean4: 0 } };
  for (let i = 0, j = 0; i < p.length; i++) {
    if (!Number.isFinite(p.actual[i])) continue;
    if (Number.isFinite(p.forecasts.model[i])) own++;
    if (!Number.isFinite(p.forecasts.seasonalNaive[i])) {
      const a = p.actual[i]!;
      const w = p.holiday[i] === 1 ? HOLIDAY_WEIGHT : 1;
      young.points++;
      young.weight += w;
      young.err.model += w * Math.abs(a - filled.forecasts.model[j]!);
      young.err.zero += w * Math.abs(a);
      young.err.lastValue += w * Math.abs(a - filled.forecasts.lastValue[j]!);
      young.err.mean4 += w * Math.abs(a - filled.forecasts.mean4[j]!);
    }
    j++;
  }
  const per = (e: number) => (young.weight === 0 ? Number.NaN : e / young.weight);
  return {
    metrics: summarize(filled, cutoffs, horizon),
    points: filled.length,
    modelShare: filled.length === 0 ? Number.NaN : own / filled.length,
    noYearAgo: { points: young.points, wmae: { model: per(young.err.model), zero: per(young.err.zero), lastValue: per(young.err.lastValue), mean4: per(young.err.mean4) } },
  };
}
