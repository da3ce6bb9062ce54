import { HttpError } from '../http/errors.js';
import { COL, FEATURE_COUNT, inverseTarget } from '../../domain/features/features.js';
import { intervalsAt, rowIntervalContext, type ConformalIntervals, type IntervalContext } from '../../domain/intervals/conformal.js';
import type { LoadedModel, ModelHolder } from '../model/holder.js';
import { forecastAt } from '../../domain/ensemble/blend.js';
import type { Prediction, PredictionInterval } from '../api/schemas.js';
import { buildMatrix, type ScoringRow } from './resolve.js';
import { weekName } from './week-names.js';

/** The 503 answer before any model is loaded, with the reason the holder knows. */
export function noModel(holder: ModelHolder): HttpError {
  const s = holder.status;
  const reason =
    s.state === 'loading' ? `model v${s.version} is loading` : s.state === 'failed' ? `model v${s.version} failed to load: ${s.reason}` : s.state === 'none' ? s.reason : 'no model';
  return new HttpError(503, 'NO_MODEL', `no model is being served yet: ${reason}`, { headers: { 'retry-after': '5' }, retriable: true });
}

/**
 * Runs `fn` with one leased model, so a whole request (validation against its
 * horizon, then scoring) sees a single version; the lease is returned
 * whatever happens.
 */
export async function withModel<T>(holder: ModelHolder, fn: (model: LoadedModel) => Promise<T>): Promise<T> {
  const lease = holder.lease();
  if (!lease) throw noModel(holder);
  try {
    return await fn(lease.model);
  } finally {
    lease.release();
  }
}

/** Forecasts on the original sales scale for resolved rows (features -> model -> inverse transform). */
export async function scoreRows(model: LoadedModel, rows: readonly ScoringRow[], fieldOf?: (i: number) => string): Promise<Float64Array> {
  return (await scoreWithIntervals(model, rows, fieldOf)).forecasts;
}

/** Forecasts plus, per row, the model's conformal intervals (empty when it has none for that horizon). */
export async function scoreWithIntervals(
  model: LoadedModel,
  rows: readonly ScoringRow[],
  fieldOf?: (i: number) => string,
): Promise<{ forecasts: Float64Array; intervals: PredictionInterval[][] }> {
  const X = buildMatrix(rows, fieldOf);
  // target days read before the await: a week prepended to a series meanwhile moves its firstDay
  const days = Float64Array.from(rows, (r) => r.history.firstDay + 7 * r.t);
  const forecasts = forecastsOf(model, X, await model.scorer.score(X, rows.length));
  const intervals: PredictionInterval[][] = [];
  for (let i = 0; i < rows.length; i++) {
    intervals.push(intervalsOf(model.intervals, rows[i]!.horizon, forecasts[i]!, X[i * FEATURE_COUNT + COL.scale]!, rowIntervalContext(X, i, days[i]!)));
  }
  return { forecasts, intervals };
}

/**
 * Sales forecasts from the model's outputs `z` for the rows of X: the one
 * place the gateway turns a scored vector into a forecast (this function,
 * the forecast publisher and the computed predict path all go through it).
 */
export function forecastsOf(model: LoadedModel, X: Float32Array, z: Float32Array): Float64Array {
  const out = new Float64Array(z.length);
  // the model's own forecast blended with the statistical member by the run's weights (domain/ensemble/blend.ts)
  for (let i = 0; i < z.length; i++) out[i] = forecastAt(inverseTarget(z[i]!, X, i * FEATURE_COUNT), X, i * FEATURE_COUNT, model.blend);
  return out;
}

/** The API intervals of one forecast, rounded to cents. */
export function intervalsOf(c: ConformalIntervals | null, h: number, forecast: number, scale: number, context?: IntervalContext): PredictionInterval[] {
  if (!c) return [];
  const out: PredictionInterval[] = [];
  intervalsAt(c, h, forecast, scale, context).forEach((iv, li) => {
    if (iv) out.push({ level: c.levels[li]!, lower: cents(iv.lower), upper: cents(iv.upper) });
  });
  return out;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** The API shape of a scored row; `source` says whether it came from the forecast projection or was computed now, `alias` which name chose the model. */
export function toPrediction(model: LoadedModel, r: ScoringRow, forecast: number, intervals: PredictionInterval[] = [], source: Prediction['source'] = 'computed', alias = 'champion'): Prediction {
  const actual = r.history.salesAt(r.t);
  return {
    store: r.history.store,
    dept: r.history.dept,
    week: r.week,
    horizon: r.horizon,
    origin: weekName(r.history.firstDay, r.t - r.horizon),
    forecast: cents(forecast),
    intervals,
    actual: Number.isNaN(actual) ? null : actual,
    modelVersion: model.version,
    modelAlias: alias,
    source,
  };
}
