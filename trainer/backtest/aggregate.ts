/**
 * Backtest scoring: the same definitions as domain/registry/metrics.ts (WAPE, MAE,
 * RMSE, WMAE with holiday weeks weighing 5), accumulated in one pass per
 * group (overall, per horizon, per cut-off) over exactly the same points for
 * every method: those with an actual and a forecast from every method
 * compared. A method with no forecast anywhere is left out of the comparison
 * (and named with the reason) rather than emptying it for all the others.
 */
import { HOLIDAY_WEIGHT, type Metrics } from '../../domain/registry/metrics.js';
import { INTERVAL_COLUMNS, METHODS, type Method, type PointSet } from '../../domain/backtest/points.js';
import { bandIndex, horizonBands, ratio } from '../../domain/registry/bands.js';
import { addInterval, emptyIntervalSums, intervalMetricsOf, type IntervalMetrics } from '../../domain/intervals/score.js';

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
  /** Per horizon band (1..4, 5..13, 14..H): metrics, ratios to seasonal naive and the model's interval scores. */
  byBand: BandSummary[];
  /** The model's 80% and 95% intervals over every scored point (empty when it had none). */
  intervals: IntervalMetrics[];
}

export interface BandSummary {
  band: string;
  from: number;
  to: number;
  points: number;
  metrics: Partial<Record<Method, Metrics>>;
  /** WMAE and WAPE of each method divided by seasonal naive's on the same points (below 1 beats it); empty without seasonal naive. */
  ratios: Partial<Record<Method, { wmae: number; wape: number }>>;
  /** The model's interval coverage and Winkler score in this band (empty when it had no intervals). */
  intervals: IntervalMetrics[];
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
  const bands = summarizeBands(points, methods, horizon, byH);
  return {
    methods,
    excluded,
    points: scored,
    dropped: withActual - scored,
    overall: done(overall),
    byHorizon: byH.map((g, i) => ({ horizon: i + 1, metrics: done(g) })),
    byCutoff: byC.map((g, i) => ({ cutoff: cutoffs[i]!, metrics: done(g) })),
    byBand: bands.byBand,
    intervals: bands.overall,
  };
}

/** Band metrics from the per-horizon sums, and the model's interval scores on the same scored points. */
function summarizeBands(points: PointSet, methods: readonly Method[], H: number, byH: readonly Record<Method, ErrorSums>[]): { byBand: BandSummary[]; overall: IntervalMetrics[] } {
  const bands = horizonBands(H);
  const sums = bands.map(() => INTERVAL_COLUMNS.map((c) => emptyIntervalSums(c.level)));
  const overall = INTERVAL_COLUMNS.map((c) => emptyIntervalSums(c.level));
  if (methods.includes('model')) {
    for (let i = 0; i < points.length; i++) {
      if (!isScored(points, i, methods)) continue;
      const b = bandIndex(points.horizon[i]!, H);
      INTERVAL_COLUMNS.forEach((c, k) => {
        const lo = points.bounds[c.lower][i]!;
        const hi = points.bounds[c.upper][i]!;
        addInterval(overall[k]!, points.actual[i]!, lo, hi);
        if (b >= 0) addInterval(sums[b]![k]!, points.actual[i]!, lo, hi);
      });
    }
  }
  const scoredOnly = (acc: ReturnType<typeof emptyIntervalSums>[]) => acc.filter((a) => a.n > 0).map(intervalMetricsOf);
  const byBand = bands.map((b, bi) => {
    const acc = Object.fromEntries(methods.map((m) => [m, emptySums()])) as Record<Method, ErrorSums>;
    for (let h = b.from; h <= b.to; h++) for (const m of methods) mergeSums(acc[m], byH[h - 1]![m]);
    const metrics = Object.fromEntries(methods.map((m) => [m, metricsOf(acc[m])])) as Partial<Record<Method, Metrics>>;
    const sn = metrics.seasonalNaive;
    const ratios = sn ? Object.fromEntries(methods.map((m) => [m, { wmae: ratio(metrics[m]!.wmae, sn.wmae), wape: ratio(metrics[m]!.wape, sn.wape) }])) : {};
    return { band: b.label, from: b.from, to: b.to, points: acc[methods[0]!]?.n ?? 0, metrics, ratios, intervals: scoredOnly(sums[bi]!) };
  });
  return { byBand, overall: scoredOnly(overall) };
}

function mergeSums(into: ErrorSums, from: ErrorSums): void {
  into.n += from.n;
  into.absErr += from.absErr;
  into.absActual += from.absActual;
  into.sqErr += from.sqErr;
  into.weightedAbsErr += from.weightedAbsErr;
  into.weight += from.weight;
}
