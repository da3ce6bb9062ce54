/**
 * Backtest scoring: the same definitions as domain/registry/metrics.ts (WAPE, MAE,
 * RMSE, WMAE with holiday weeks weighing 5), accumulated in one pass per
 * group (overall, per horizon, per cut-off) over exactly the same points for
 * every method: those with an actual and a forecast from every method
 * compared. A method with no forecast anywhere is left out of the comparison
 * (and named with the reason) rather than emptying it for all the others.
 */
import { HOLIDAY_WEIGHT, type Metrics } from '../../domain/registry/metrics.js';
import { METHODS, type Method, type PointSet } from '../../domain/backtest/points.js';

/** Running sums behind every metric; `metricsOf` turns them into values. */
export interface ErrorSums {
  n: number;
  absErr: number;
  absActual: number;
  sqErr: number;
  weightedAbsErr: number;
  weight: number;
}

export function emptySums(): ErrorSums {
  return { n: 0, absErr: 0, absActual: 0, sqErr: 0, weightedAbsErr: 0, weight: 0 };
}

/** Adds one point; holiday weeks weigh HOLIDAY_WEIGHT (5) in WMAE. */
export function addError(acc: ErrorSums, actual: number, forecast: number, holiday: boolean): void {
  const e = Math.abs(actual - forecast);
  const w = holiday ? HOLIDAY_WEIGHT : 1;
  acc.n++;
  acc.absErr += e;
  acc.absActual += Math.abs(actual);
  acc.sqErr += e * e;
  acc.weightedAbsErr += w * e;
  acc.weight += w;
}

/** Metrics of the sums; NaN where undefined (no points, or WAPE with every actual 0), as domain/registry/metrics.ts does. */
export function metricsOf(acc: ErrorSums): Metrics {
  const { n } = acc;
  return {
    n,
    wape: acc.absActual === 0 ? Number.NaN : acc.absErr / acc.absActual,
    mae: n === 0 ? Number.NaN : acc.absErr / n,
    rmse: n === 0 ? Number.NaN : Math.sqrt(acc.sqErr / n),
    wmae: acc.weight === 0 ? Number.NaN : acc.weightedAbsErr / acc.weight,
  };
}

export interface BacktestMetrics {
  /** Methods compared, in report order. */
  methods: Method[];
  /** Methods with no forecast at any point that has an actual, and why. */
  excluded: { method: Method; reason: string }[];
  /** Points scored (the same for every method). */
  points: number;
  /** Points with an actual left out because a compared method had no forecast for them. */
  dropped: number;
  overall: Partial<Record<Method, Metrics>>;
  byHorizon: { horizon: number; metrics: Partial<Record<Method, Metrics>> }[];
  byCutoff: { cutoff: string; metrics: Partial<Record<Method, Metrics>> }[];
}

/** Why a method can lack every forecast (the usual data shortfall behind each). */
const WHY_MISSING: Record<Method, string> = {
  model: 'no model could be fitted at any refit cut-off',
  seasonalNaive: 'no target week has sales 52 weeks earlier known at its cut-off (the data needs more than a year of history)',
  lastValue: 'no series had sales at its cut-off week',
  mean4: 'no series had sales in the 4 weeks up to its cut-off',
};

/** Whether point i is scored with `methods`: a finite actual and a finite forecast from each. */
export function isScored(points: PointSet, i: number, methods: readonly Method[]): boolean {
  if (!Number.isFinite(points.actual[i])) return false;
  for (const m of methods) if (!Number.isFinite(points.forecasts[m][i])) return false;
  return true;
}

/** Scores every method on the same points, overall, per horizon 1..H and per cut-off (labels in order). */
export function summarize(points: PointSet, cutoffs: readonly string[], horizon: number): BacktestMetrics {
  const methods: Method[] = [];
  const excluded: BacktestMetrics['excluded'] = [];
  for (const m of METHODS) {
    let any = false;
    for (let i = 0; i < points.length && !any; i++) any = Number.isFinite(points.actual[i]) && Number.isFinite(points.forecasts[m][i]);
    if (any) methods.push(m);
    else excluded.push({ method: m, reason: WHY_MISSING[m] });
  }
  const group = () => Object.fromEntries(methods.map((m) => [m, emptySums()])) as Record<Method, ErrorSums>;
  const overall = group();
  const byH = Array.from({ length: horizon }, group);
  const byC = cutoffs.map(group);
  let scored = 0;
  let withActual = 0;
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points.actual[i])) continue;
    withActual++;
    if (!isScored(points, i, methods)) continue;
    scored++;
    const a = points.actual[i]!;
    const hol = points.holiday[i] === 1;
    const hGroup = byH[points.horizon[i]! - 1];
    const cGroup = byC[points.cutoff[i]!];
    for (const m of methods) {
      const f = points.forecasts[m][i]!;
      addError(overall[m], a, f, hol);
      if (hGroup) addError(hGroup[m], a, f, hol);
      if (cGroup) addError(cGroup[m], a, f, hol);
    }
  }
  const done = (g: Record<Method, ErrorSums>) => Object.fromEntries(methods.map((m) => [m, metricsOf(g[m])])) as Partial<Record<Method, Metrics>>;
  return {
    methods,
    excluded,
    points: scored,
    dropped: withActual - scored,
    overall: done(overall),
    byHorizon: byH.map((g, i) => ({ horizon: i + 1, metrics: done(g) })),
    byCutoff: byC.map((g, i) => ({ cutoff: cutoffs[i]!, metrics: done(g) })),
  };
}
