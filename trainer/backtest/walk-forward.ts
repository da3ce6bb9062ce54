/**
 * The walk-forward loop. For each cut-off C, oldest first: advance every
 * series to what was known at C (as-of.ts), refit on that data when due,
 * forecast h = 1..H from origin C with the latest model and the baselines,
 * and score each forecast against the final value of its target week.
 * Between refits the last fitted model forecasts from the new cut-off with
 * features from the new as-of data, as a deployed model would.
 */
import { AppError, ValidationError, messageOf } from '../../lib/errors.js';
import { isoOfDay } from '../../lib/weeks.js';
import { COL, FEATURE_COUNT, type SeriesHistory, type TrainingMatrix } from '../../domain/features/features.js';
import { holidayOfDay } from '../../domain/features/fill.js';
import { AsOfView, finalHistories } from './as-of.js';
import { lastValue, meanOf, seasonalNaiveFrom } from '../../domain/baselines/baselines.js';
import { isRefit } from './cutoffs.js';
import { forecastRows, trainingRows, type ForecastRows } from './matrices.js';
import { INTERVAL_COLUMNS, PointSet, type Point } from '../../domain/backtest/points.js';
import { intervalsAt, rowIntervalContext, type ConformalIntervals, type IntervalContext } from '../../domain/intervals/conformal.js';
import type { SalesLog } from './sales-log.js';
import type { Blend } from '../../domain/ensemble/blend.js';
import { trainRowBudget, trainWindowWeeks } from '../../domain/training/window.js';

/** A fitted model as the loop uses it: sales forecasts (original units) for rows of X. */
export interface Forecaster {
  predict(X: Float32Array, rows: number): Promise<Float64Array>;
  close(): Promise<void>;
  /** Conformal intervals calibrated with the fit (out-of-sample rows before the cut-off); absent = no intervals. */
  intervals?: ConformalIntervals | null;
  /** The ensemble weights its forecasts were blended with (reported with the refit); absent = the model alone. */
  blend?: Blend | null;
}

/** Fits a model on training rows; `forecast` is the cut-off's forecast rows (the trainer's parity check scores them). */
export type FitFn = (train: TrainingMatrix, forecast: TrainingMatrix) => Promise<{ forecaster: Forecaster; info: Record<string, number> }>;

export interface WalkForwardOptions {
  /** Cut-off weeks (day numbers), ascending. */
  cutoffs: readonly number[];
  /** H, 1..52. */
  horizon: number;
  /** Refit at every k-th cut-off (the first always). */
  refitEvery: number;
  fit: FitFn;
  /** Target weeks of training rows before each refit cut-off (default `trainWindowWeeks(H)`, as the trainer; 0 = all). */
  trainWeeks?: number;
  /** Training rows kept at most, a reproducible random subset beyond (default `trainRowBudget(H)`, as the trainer). */
  maxTrainRows?: number;
  onCutoff?: (p: CutoffProgress) => void;
}

export interface CutoffProgress {
  /** 1-based. */
  index: number;
  total: number;
  cutoff: string;
  refit: { trainRows: number; ms: number } | null;
  forecastRows: number;
  elapsedMs: number;
  /** Estimated time left: remaining refits and plain cut-offs at their average cost so far. */
  etaMs: number;
}

export interface RefitRecord {
  cutoff: string;
  trainRows: number;
  /** Fraction of the qualifying training rows kept (row budget). */
  sampleRate: number;
  ms: number;
  info: Record<string, number>;
}

export interface WalkForwardResult {
  points: PointSet;
  refits: RefitRecord[];
  /** Series forecast at one cut-off at least. */
  seriesForecast: number;
  /** Forecasts whose target week has no value in the log: not scored. */
  noActual: number;
  /** Of those, the ones whose target is after the log's last week. */
  pastEnd: number;
  notes: string[];
}

/** What the loop accumulates over the cut-offs. */
interface LoopState {
  view: AsOfView;
  final: SeriesHistory[];
  points: PointSet;
  refits: RefitRecord[];
  notes: string[];
  forecastSeries: Set<number>;
  model: Forecaster | null;
  counts: { noActual: number; pastEnd: number; noLevel: number; offGrid: number };
  lastDay: number;
}

/** Runs the loop over `log`; throws only for failures that are not about the data (python missing, a broken model...). */
export async function walkForward(log: SalesLog, o: WalkForwardOptions): Promise<WalkForwardResult> {
  const st: LoopState = {
    view: new AsOfView(log),
    final: finalHistories(log),
    points: new PointSet(),
    refits: [],
    notes: [],
    forecastSeries: new Set<number>(),
    model: null,
    counts: { noActual: 0, pastEnd: 0, noLevel: 0, offGrid: 0 },
    lastDay: log.weekDays[log.weekDays.length - 1] ?? -Infinity,
  };
  const t0 = performance.now();
  const cost = { refitMs: 0, refits: 0, plainMs: 0, plain: 0 };
  try {
    for (let i = 0; i < o.cutoffs.length; i++) {
      const tc = performance.now();
      const C = o.cutoffs[i]!;
      st.view.advanceTo(C);
      const fr = forecastRows(st.view.histories, C, o.horizon);
      st.counts.noLevel += fr.noLevel;
      st.counts.offGrid += fr.offGrid;
      const refit = isRefit(i, o.refitEvery) ? await refitAt(st, o, C, fr) : null;
      const preds = st.model && fr.matrix.rows > 0 ? await st.model.predict(fr.matrix.X, fr.matrix.rows) : null;
      scoreCutoff(st, i, fr, preds, C, o.horizon);
      const ms = performance.now() - tc;
      if (refit) {
        cost.refitMs += ms;
        cost.refits++;
      } else {
        cost.plainMs += ms;
        cost.plain++;
      }
      o.onCutoff?.({ index: i + 1, total: o.cutoffs.length, cutoff: isoOfDay(C), refit, forecastRows: fr.matrix.rows, elapsedMs: performance.now() - t0, etaMs: eta(i, o, cost) });
    }
  } finally {
    await st.model?.close();
  }
  const { noActual, pastEnd, noLevel, offGrid } = st.counts;
  const notes = st.notes;
  if (offGrid > 0) notes.push(`${offGrid} series-cut-offs were skipped: the series' weeks fall on another weekday than the cut-off week`);
  if (noLevel > 0) notes.push(`${noLevel} series-cut-offs had no sales in the 52 weeks up to the cut-off: no forecast (no level to scale from)`);
  return { points: st.points, refits: st.refits, seriesForecast: st.forecastSeries.size, noActual, pastEnd, notes };
}

/** Fits a new model at cut-off C on the as-of data; a refit that lacks data is noted and the previous model carries on. */
async function refitAt(st: LoopState, o: WalkForwardOptions, C: number, fr: ForecastRows): Promise<CutoffProgress['refit']> {
  const cutoff = isoOfDay(C);
  const H = o.horizon;
  const tr = trainingRows(st.view.histories, C, H, o.trainWeeks ?? trainWindowWeeks(H), o.maxTrainRows ?? trainRowBudget(H));
  const tf = performance.now();
  try {
    if (fr.matrix.rows === 0) throw new ValidationError('forecast rows', `a series with sales in the 52 weeks up to ${cutoff}`, 0);
    const fitted = await o.fit(tr.matrix, fr.matrix);
    await st.model?.close();
    st.model = fitted.forecaster;
    const ms = performance.now() - tf;
    st.refits.push({ cutoff, trainRows: tr.matrix.rows, sampleRate: tr.sampleRate, ms, info: fitted.info });
    if (tr.sampleRate < 1) st.notes.push(`refit at ${cutoff}: ${tr.matrix.rows} training rows, a ${(tr.sampleRate * 100).toFixed(1)}% random sample of those available (row budget)`);
    return { trainRows: tr.matrix.rows, ms };
  } catch (err) {
    // too little data is a finding about the data: say so and keep the previous model, as production would
    if (!(err instanceof ValidationError) && !(err instanceof AppError && err.code === 'TRAIN_INPUT')) throw err;
    st.notes.push(`refit at ${cutoff} not possible (${messageOf(err)}); ${st.model ? 'the previous model forecast instead' : 'no model forecasts until a refit succeeds'}`);
    return null;
  }
}

/** Scores cut-off i's forecasts (model, intervals, baselines) against the final value of each target week. */
function scoreCutoff(st: LoopState, i: number, fr: ForecastRows, preds: Float64Array | null, C: number, H: number): void {
  const X = fr.matrix.X;
  const covered = new Set<number>();
  for (let r = 0; r < fr.matrix.rows; r++) {
    covered.add(fr.series[r]! * 64 + fr.matrix.meta.horizon[r]!);
    const si = fr.series[r]!;
    const h = fr.matrix.meta.horizon[r]!;
    const targetDay = fr.matrix.meta.day[r]!;
    const fin = st.final[si]!;
    const ti = (targetDay - fin.firstDay) / 7;
    const actual = fin.salesAt(ti);
    if (!Number.isFinite(actual)) {
      st.counts.noActual++;
      if (targetDay > st.lastDay) st.counts.pastEnd++;
      continue;
    }
    const s = st.view.histories[si]!;
    const origin = s.length - 1;
    const flag = ti < fin.length ? fin.holiday[ti]! : 255;
    st.forecastSeries.add(si);
    const bounds = preds && st.model?.intervals ? boundsOf(st.model.intervals, h, preds[r]!, X[r * FEATURE_COUNT + COL.scale]!, rowIntervalContext(X, r, targetDay)) : undefined;
    st.points.push({
      cutoff: i,
      series: si,
      horizon: h,
      targetDay,
      // the data's own flag where it has one, else the calendar the features use
      holiday: flag === 255 ? X[r * FEATURE_COUNT + COL.holiday] === 1 : flag === 1,
      actual,
      forecasts: {
        model: preds ? preds[r]! : Number.NaN,
        seasonalNaive: seasonalNaiveFrom(s, origin, h),
        lastValue: lastValue(s, origin),
        mean4: meanOf(s, origin),
      },
      ...(bounds ? { bounds } : {}),
    });
  }
  scoreUncovered(st, i, covered, C, H);
}

/**
 * Every other (series, h) whose target week has an actual is a point too,
 * with no model forecast (NaN): a series without sales in the 52 weeks up to
 * the cut-off, one not started yet, or no model fitted. The same-point
 * comparison leaves them out; the every-point score (every-point.ts) counts
 * them with the documented fallback, as a planner's table would.
 */
function scoreUncovered(st: LoopState, i: number, covered: ReadonlySet<number>, C: number, H: number): void {
  st.final.forEach((fin, si) => {
    if (fin.length === 0) return;
    const s = st.view.histories[si]!;
    const aligned = s.length > 0 && s.firstDay + 7 * (s.length - 1) === C;
    for (let h = 1; h <= H; h++) {
      if (covered.has(si * 64 + h)) continue;
      const targetDay = C + 7 * h;
      const ti = (targetDay - fin.firstDay) / 7;
      if (!Number.isInteger(ti)) return;
      const actual = fin.salesAt(ti);
      if (!Number.isFinite(actual)) continue;
      const flag = fin.holiday[ti]!;
      const origin = s.length - 1;
      st.points.push({
        cutoff: i,
        series: si,
        horizon: h,
        targetDay,
        holiday: flag === 255 ? holidayOfDay(targetDay) : flag === 1,
        actual,
        forecasts: {
          model: Number.NaN,
          seasonalNaive: aligned ? seasonalNaiveFrom(s, origin, h) : Number.NaN,
          lastValue: aligned ? lastValue(s, origin) : Number.NaN,
          mean4: aligned ? meanOf(s, origin) : Number.NaN,
        },
      });
    }
  });
}

/** The point's 80% and 95% bounds from the model's calibration. */
function boundsOf(c: ConformalIntervals, h: number, forecast: number, scale: number, context: IntervalContext): Point['bounds'] {
  const out: NonNullable<Point['bounds']> = {};
  const ivs = intervalsAt(c, h, forecast, scale, context);
  for (const col of INTERVAL_COLUMNS) {
    const iv = ivs[c.levels.indexOf(col.level)];
    if (iv) {
      out[col.lower] = iv.lower;
      out[col.upper] = iv.upper;
    }
  }
  return out;
}

function eta(i: number, o: WalkForwardOptions, c: { refitMs: number; refits: number; plainMs: number; plain: number }): number {
  const avgRefit = c.refits > 0 ? c.refitMs / c.refits : 0;
  const avgPlain = c.plain > 0 ? c.plainMs / c.plain : avgRefit / 4;
  let left = 0;
  for (let j = i + 1; j < o.cutoffs.length; j++) left += isRefit(j, o.refitEvery) ? avgRefit : avgPlain;
  return left;
}
