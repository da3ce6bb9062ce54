import { HttpError } from '../http/errors.js';
import { FEATURE_COUNT, inverseTarget } from '../../domain/features/features.js';
import type { LoadedModel, ModelHolder } from '../model/holder.js';
import type { Prediction } from '../api/schemas.js';
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
  const X = buildMatrix(rows, fieldOf);
  const z = await model.scorer.score(X, rows.length);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = inverseTarget(z[i]!, X, i * FEATURE_COUNT);
  return out;
}

/** The API shape of a scored row. */
export function toPrediction(model: LoadedModel, r: ScoringRow, forecast: number): Prediction {
  const actual = r.history.salesAt(r.t);
  return {
    store: r.history.store,
    dept: r.history.dept,
    week: r.week,
    horizon: r.horizon,
    origin: weekName(r.history.firstDay, r.t - r.horizon),
    forecast: Math.round(forecast * 100) / 100,
    actual: Number.isNaN(actual) ? null : actual,
    modelVersion: model.version,
  };
}
