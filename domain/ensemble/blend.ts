/**
 * The served forecast is a blend, per horizon band, of two members:
 *   - the model: XGBoost's output on the vector, inverse-transformed;
 *   - the statistical member: `stat_base` (last year's week smoothed with its
 *     neighbours; for a series without last year's week, a naive member)
 *     times a share of the series' year-over-year growth, both computed by
 *     the feature module (fill.ts) into the vector itself.
 *
 *   forecast = w_b * model + (1 - w_b) * base * (1 + g_b * (growth - 1))   (seasonal rows)
 *   forecast = w_b * model + (1 - w_b) * base                              (rows without last year)
 *
 * Why: on real Walmart data a tree model over lags is no better than "same
 * week last year" beyond a quarter, while a denoised seasonal member is
 * steadily better there; their errors differ, so a blend beats both. The
 * weights are chosen from data, never by hand: g_b over every training row
 * (the member has no fitted parameter, so every row is out of sample for it:
 * many origins and years, a walk-forward in itself), w_b over the rows the
 * model never trained on (the calibration / holdout weeks and the
 * early-stopping validation weeks). Both are stored with the run, so the
 * gateway, the forecast publisher and the backtest compute the same number
 * from the same vector (`forecastAt`).
 */
import { ValidationError } from '../../lib/errors.js';
import { assertNever } from '../decider.js';
import { COL, FEATURE_COUNT, type TrainingMatrix } from '../features/features.js';
import { HOLIDAY_WEIGHT } from '../registry/metrics.js';
import { bandIndex, horizonBands } from '../registry/bands.js';

/** One horizon band's weights. */
export interface BandWeights {
  from: number;
  to: number;
  /** w_b: the model's share, 0..1 (the statistical member gets 1 - w_b). */
  model: number;
  /** g_b: the share of the year-over-year growth applied to the statistical member, 0..1. */
  growth: number;
  /**
   * The model's share for rows whose series has no value a year before the
   * target (young or interrupted series: the statistical member is then the
   * recent mean). Their errors behave differently from the seasonal rows'; on
   * the real slice one shared weight left them worse than the naive fallbacks.
   */
  modelYoung: number;
  /**
   * The naive member for those rows, chosen like the growth share over the
   * training rows: 'zero', 'last' (the sales at the origin) or 'mean4' (the
   * mean of the known weeks up to 4 before the origin). A missing value
   * counts as 0 sales. (stat_base's own fallback for these rows, the series'
   * level when none of the 4 weeks is known, was a candidate too: chosen on
   * the training rows at two of three bands, it erred 1.5x the 4-week mean on
   * the real slice's young points, so it is left to the model as a feature.)
   */
  young: YoungMember;
}

export const YOUNG_MEMBERS = ['zero', 'last', 'mean4'] as const;
export type YoungMember = (typeof YOUNG_MEMBERS)[number];

export interface Blend {
  method: 'band-blend-v1';
  bands: BandWeights[];
}

/** Grid steps of the weight search: fine enough that a finer grid moved no ratio by more than 0.001 on the real slice. */
const MODEL_STEPS = 20;
const GROWTH_STEPS = 10;

/** Whether a value read from a run record is a well-formed Blend. */
export function isBlend(x: unknown): x is Blend {
  if (typeof x !== 'object' || x === null) return false;
  const b = x as Partial<Blend>;
  return (
    b.method === 'band-blend-v1' &&
    Array.isArray(b.bands) &&
    b.bands.every((w) => [w.from, w.to, w.model, w.growth, w.modelYoung].every((v) => typeof v === 'number' && Number.isFinite(v)) && [w.model, w.growth, w.modelYoung].every((v) => v >= 0 && v <= 1) && YOUNG_MEMBERS.includes(w.young))
  );
}

/** The weights that apply at horizon h, or null (then the model alone). */
export function weightsAt(blend: Blend | null | undefined, h: number): BandWeights | null {
  if (!blend) return null;
  for (const w of blend.bands) if (h >= w.from && h <= w.to) return w;
  return null;
}

/** The statistical member (sales units) of the row at `offset` in X: with growth share g on seasonal rows, the `young` member on the others. */
export function statForecast(X: ArrayLike<number>, offset: number, g: number, young: YoungMember = 'mean4'): number {
  if (X[offset + COL.statSeasonal] !== 1) return youngForecast(X, offset, young);
  const base = unscaled(X, offset, COL.statBase);
  return base * (1 + g * ((X[offset + COL.growth] as number) - 1));
}

/** A naive member for a row whose series has no value a year before the target (sales units). */
function youngForecast(X: ArrayLike<number>, offset: number, young: YoungMember): number {
  switch (young) {
    case 'zero':
      return 0;
    case 'last':
      return unscaled(X, offset, COL.lags);
    case 'mean4':
      return unscaled(X, offset, COL.windows);
    default:
      return assertNever(young, 'young member');
  }
}

/** A normalized column back in sales units; 0 when unknown. */
function unscaled(X: ArrayLike<number>, offset: number, col: number): number {
  const v = (X[offset + COL.level] as number) + (X[offset + COL.scale] as number) * (X[offset + col] as number);
  return Number.isFinite(v) ? v : 0;
}

/** The served forecast of one row: the model's sales forecast blended with the statistical member by the row's band. */
export function forecastAt(modelSales: number, X: ArrayLike<number>, offset: number, blend: Blend | null | undefined): number {
  const w = weightsAt(blend, X[offset + COL.horizon] as number);
  if (!w) return modelSales;
  const share = X[offset + COL.statSeasonal] === 1 ? w.model : w.modelYoung;
  return share * modelSales + (1 - share) * statForecast(X, offset, w.growth, w.young);
}

/** forecastAt over a batch: `modelSales[r]` for row r of the row-major X. */
export function blendForecasts(modelSales: ArrayLike<number>, X: Float32Array, blend: Blend | null | undefined): Float64Array {
  const out = new Float64Array(modelSales.length);
  for (let r = 0; r < modelSales.length; r++) out[r] = forecastAt(modelSales[r] as number, X, r * FEATURE_COUNT, blend);
  return out;
}

/** Rows the model never trained on, with its sales forecasts for them. */
export interface OutOfSample {
  rows: TrainingMatrix;
  predictions: ArrayLike<number>;
}

/**
 * Fits the blend for horizons 1..H: g_b on `train` (every row with an
 * actual), then w_b on the out-of-sample parts, each minimizing WMAE (holiday
 * weeks weigh 5) within the band. A band without rows keeps the model alone
 * (w = 1) and g = 0.5 (the midpoint; it only matters once w < 1).
 */
export function fitBlend(train: TrainingMatrix, outOfSample: readonly OutOfSample[], H: number): Blend {
  if (!Number.isInteger(H) || H < 1) throw new ValidationError('horizon', 'an integer >= 1', H);
  const bands = horizonBands(H);
  const growth = bands.map((_, b) => bestGrowth(train, b, H));
  const young = bands.map((_, b) => bestYoung(train, b, H));
  return {
    method: 'band-blend-v1',
    bands: bands.map((band, b) => ({
      from: band.from,
      to: band.to,
      model: bestModelWeight(outOfSample, b, H, growth[b]!, young[b]!, true),
      growth: growth[b]!,
      modelYoung: bestModelWeight(outOfSample, b, H, growth[b]!, young[b]!, false),
      young: young[b]!,
    })),
  };
}

/** g in 0, 1/GROWTH_STEPS, ..., 1 with the lowest WMAE of the statistical member alone over band b's rows of m. */
function bestGrowth(m: TrainingMatrix, b: number, H: number): number {
  const err = new Float64Array(GROWTH_STEPS + 1);
  let n = 0;
  for (let r = 0; r < m.rows; r++) {
    if (bandIndex(m.meta.horizon[r]!, H) !== b || m.X[r * FEATURE_COUNT + COL.statSeasonal] !== 1) continue;
    const a = m.actual[r]!;
    if (!Number.isFinite(a)) continue;
    const wt = m.meta.isHoliday[r] ? HOLIDAY_WEIGHT : 1;
    const off = r * FEATURE_COUNT;
    for (let k = 0; k <= GROWTH_STEPS; k++) err[k]! += wt * Math.abs(a - statForecast(m.X, off, k / GROWTH_STEPS));
    n++;
  }
  return n === 0 ? 0.5 : argmin(err) / GROWTH_STEPS;
}

/** Training rows whose target is in the last year before the last target week: young rows there are the series a forecast meets now. */
const RECENT_DAYS = 364;
/** Young rows needed in the recent year before it alone chooses the member (else every year's rows do). */
const MIN_RECENT_YOUNG = 200;

/**
 * The young member with the lowest WMAE over band b's rows of m without last
 * year's value, in the last year of targets when it has enough of them: the
 * young rows of a history's first year are series starting up (the recent
 * mean suits them), those of later years mostly gappy or restarting series
 * (on the real slice the last value suited those best). 'mean4' without rows.
 */
function bestYoung(m: TrainingMatrix, b: number, H: number): YoungMember {
  let last = -Infinity;
  for (let r = 0; r < m.rows; r++) last = Math.max(last, m.meta.day[r]!);
  const recent = youngErrors(m, b, H, last - RECENT_DAYS);
  const chosen = recent.n >= MIN_RECENT_YOUNG ? recent : youngErrors(m, b, H, -Infinity);
  return chosen.n === 0 ? 'mean4' : YOUNG_MEMBERS[argmin(chosen.err)]!;
}

/** Each young member's weighted absolute error over band b's young rows with a target after `afterDay`. */
function youngErrors(m: TrainingMatrix, b: number, H: number, afterDay: number): { err: Float64Array; n: number } {
  const err = new Float64Array(YOUNG_MEMBERS.length);
  let n = 0;
  for (let r = 0; r < m.rows; r++) {
    const off = r * FEATURE_COUNT;
    if (m.meta.day[r]! <= afterDay || bandIndex(m.meta.horizon[r]!, H) !== b || m.X[off + COL.statSeasonal] === 1) continue;
    const a = m.actual[r]!;
    if (!Number.isFinite(a)) continue;
    const wt = m.meta.isHoliday[r] ? HOLIDAY_WEIGHT : 1;
    YOUNG_MEMBERS.forEach((y, k) => {
      err[k]! += wt * Math.abs(a - youngForecast(m.X, off, y));
    });
    n++;
  }
  return { err, n };
}

/** w in 0, 1/MODEL_STEPS, ..., 1 with the lowest WMAE of the blend over band b's out-of-sample rows of one kind (seasonal or young); 1 without rows. */
function bestModelWeight(parts: readonly OutOfSample[], b: number, H: number, g: number, young: YoungMember, seasonal: boolean): number {
  const err = new Float64Array(MODEL_STEPS + 1);
  let n = 0;
  for (const p of parts) {
    const m = p.rows;
    for (let r = 0; r < m.rows; r++) {
      if (bandIndex(m.meta.horizon[r]!, H) !== b) continue;
      if ((m.X[r * FEATURE_COUNT + COL.statSeasonal] === 1) !== seasonal) continue;
      const a = m.actual[r]!;
      const f = p.predictions[r] as number;
      if (!Number.isFinite(a) || !Number.isFinite(f)) continue;
      const wt = m.meta.isHoliday[r] ? HOLIDAY_WEIGHT : 1;
      const s = statForecast(m.X, r * FEATURE_COUNT, g, young);
      for (let k = 0; k <= MODEL_STEPS; k++) {
        const w = k / MODEL_STEPS;
        err[k]! += wt * Math.abs(a - (w * f + (1 - w) * s));
      }
      n++;
    }
  }
  return n === 0 ? 1 : argmin(err) / MODEL_STEPS;
}

function argmin(a: Float64Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! < a[best]!) best = i;
  return best;
}
