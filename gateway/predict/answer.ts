/**
 * Answers predict items from the forecast projection when it holds them, and
 * computes only the rest: a what-if (exogenous overrides), an origin other
 * than the series' last week, or a series whose forecasts are not published
 * yet for the serving model. Each prediction says which (`source`).
 */
import type { ForecastCache } from '../forecasts/cache.js';
import { intervalsOfPoint } from '../forecasts/compute.js';
import type { LoadedModel } from '../model/holder.js';
import type { Prediction } from '../api/schemas.js';
import { scoreWithIntervals, toPrediction } from './predictor.js';
import type { ScoringRow } from './resolve.js';


/** Predictions for resolved rows, in order; `fieldOf(i)` names row i's week in a refusal. */
export async function answerRows(
  model: LoadedModel,
  cache: ForecastCache,
  rows: readonly ScoringRow[],
  fieldOf: (i: number) => string,
): Promise<{ predictions: Prediction[]; cached: number }> {
  const out: Prediction[] = new Array(rows.length);
  const missed: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const p = r.overrides ? null : cache.point(r.history, r.t, r.horizon, model.version);
    if (p) out[i] = toPrediction(model, r, p.forecast, intervalsOfPoint(p), 'cache');
    else missed.push(i);
  }
  if (missed.length > 0) {
    const toScore = missed.map((i) => rows[i]!);
    const { forecasts, intervals } = await scoreWithIntervals(model, toScore, (k) => fieldOf(missed[k]!));
    missed.forEach((i, k) => (out[i] = toPrediction(model, rows[i]!, forecasts[k]!, intervals[k], 'computed')));
  }
  return { predictions: out, cached: rows.length - missed.length };
}
