/**
 * Forecast accuracy. All metrics are on the original sales scale (the
 * baselines every model must beat: domain/baselines/baselines.ts). Undefined values are NaN, never 0 or a
 * throw: an empty set or all-zero actuals has no WAPE, and NaN loses every
 * comparison, so a promotion rule `model < champion` can never pass on it.
 */
import { ValidationError } from '../../lib/errors.js';

/** Weight of a holiday week in the Walmart competition's WMAE (other weeks weigh 1). */
export const HOLIDAY_WEIGHT = 5;

export interface Metrics {
  /** Points scored. */
  n: number;
  /** sum |e| / sum |y|; NaN when n = 0 or every actual is 0. */
  wape: number;
  mae: number;
  rmse: number;
  /** Holiday-weighted MAE: sum w|e| / sum w, w = 5 on holiday weeks else 1. */
  wmae: number;
}

type Flags = ArrayLike<boolean | number>;

/** Weighted absolute percentage error: sum|y - p| / sum|y| (a fraction, not %). NaN when sum|y| = 0. */
export function wape(actual: ArrayLike<number>, pred: ArrayLike<number>): number {
  sameLength(actual, pred);
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    num += Math.abs((actual[i] as number) - (pred[i] as number));
    den += Math.abs(actual[i] as number);
  }
  return den === 0 ? Number.NaN : num / den;
}

/** Mean absolute error in sales units; NaN on empty input. */
export function mae(actual: ArrayLike<number>, pred: ArrayLike<number>): number {
  return wmae(actual, pred, new Uint8Array(actual.length), 1);
}

/** Root mean squared error in sales units; NaN on empty input. */
export function rmse(actual: ArrayLike<number>, pred: ArrayLike<number>): number {
  sameLength(actual, pred);
  let ss = 0;
  for (let i = 0; i < actual.length; i++) ss += ((actual[i] as number) - (pred[i] as number)) ** 2;
  return actual.length === 0 ? Number.NaN : Math.sqrt(ss / actual.length);
}

/** Walmart competition WMAE: holiday weeks weigh `holidayWeight` (default 5), others 1. NaN on empty input. */
export function wmae(actual: ArrayLike<number>, pred: ArrayLike<number>, isHoliday: Flags, holidayWeight = HOLIDAY_WEIGHT): number {
  sameLength(actual, pred);
  sameLength(actual, isHoliday, 'isHoliday');
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    const w = isHoliday[i] ? holidayWeight : 1;
    num += w * Math.abs((actual[i] as number) - (pred[i] as number));
    den += w;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** Every metric over the same points. */
export function evaluate(actual: ArrayLike<number>, pred: ArrayLike<number>, isHoliday: Flags): Metrics {
  return {
    n: actual.length,
    wape: wape(actual, pred),
    mae: mae(actual, pred),
    rmse: rmse(actual, pred),
    wmae: wmae(actual, pred, isHoliday),
  };
}

export interface Comparison {
  /** Points where the actual and every forecast are finite: all metrics below use exactly these. */
  n: number;
  /** Points left out because something was missing. */
  dropped: number;
  metrics: Record<string, Metrics>;
}

/** Scores several forecasts (model, baselines...) on exactly the same points: those where all are finite. */
export function compareOnSamePoints(
  actual: ArrayLike<number>,
  isHoliday: Flags,
  forecasts: Record<string, ArrayLike<number>>,
): Comparison {
  sameLength(actual, isHoliday, 'isHoliday');
  const names = Object.keys(forecasts);
  for (const name of names) sameLength(actual, forecasts[name]!, name);
  const keep: number[] = [];
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i])) continue;
    if (names.every((k) => Number.isFinite(forecasts[k]![i]))) keep.push(i);
  }
  const pick = (a: ArrayLike<number>) => Float64Array.from(keep, (i) => a[i] as number);
  const y = pick(actual);
  const hol = Uint8Array.from(keep, (i) => (isHoliday[i] ? 1 : 0));
  const metrics: Record<string, Metrics> = {};
  for (const name of names) metrics[name] = evaluate(y, pick(forecasts[name]!), hol);
  return { n: keep.length, dropped: actual.length - keep.length, metrics };
}

function sameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, field = 'pred'): void {
  if (a.length !== b.length) throw new ValidationError(field, `${a.length} values (one per actual)`, b.length);
}
