/**
 * Answers predict items from the forecast projection when it holds them, and
 * computes only the rest: a what-if (exogenous overrides), an origin other
 * than the series' last week, or a series whose forecasts are not published
 * yet for the serving model. Each prediction says which (`source`).
 *
 * The answer is built as JSON text: a cached prediction is a fixed text
 * (series, week, horizon, origin, forecast, intervals, version; a future
 * week has no actual), serialized once and kept with the cache entry, so a
 * batch answered from the cache is string concatenation, with no objects to
 * build or serialize. What the cache does not hold is computed in one batch
 * (computed.ts), its texts written directly too.
 */
import type { ForecastCache } from '../forecasts/cache.js';
import { intervalsOfPoint } from '../forecasts/compute.js';
import type { LoadedModel } from '../model/holder.js';
import { computedPredictions } from './computed.js';
import { toPrediction } from './predictor.js';
import type { ScoringRow } from './resolve.js';

/** Serialized predictions for resolved rows, in order; `fieldOf(i)` names row i's week in a refusal. */
export async function answerRows(
  model: LoadedModel,
  cache: ForecastCache,
  rows: readonly ScoringRow[],
  fieldOf: (i: number) => string,
  alias = 'champion',
): Promise<{ json: string[]; cached: number }> {
  const out: string[] = new Array(rows.length);
  const missed: number[] = [];
  // the projection holds the champion's forecasts, their texts saying so: a model chosen by ?alias= is computed
  const cacheable = alias === 'champion';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const hit = r.overrides || !cacheable ? null : cache.json(r.history, r.t, r.horizon, model.version, (p) => JSON.stringify(toPrediction(model, r, p.forecast, intervalsOfPoint(p), 'cache')));
    if (hit !== null) out[i] = hit;
    else missed.push(i);
  }
  if (missed.length > 0) {
    const json = await computedPredictions(model, rows, missed, fieldOf, alias);
    for (let k = 0; k < missed.length; k++) out[missed[k]!] = json[k]!;
  }
  return { json: out, cached: rows.length - missed.length };
}

/** The response text of POST /v1/predict: one Prediction, or a PredictBatchResponse. */
export function predictResponse(model: LoadedModel, batch: boolean, a: { json: string[]; cached: number }, alias = 'champion'): string {
  if (!batch) return a.json[0]!;
  return `{"modelVersion":${model.version},"modelAlias":${JSON.stringify(alias)},"count":${a.json.length},"cached":${a.cached},"predictions":[${a.json.join(',')}]}`;
}
