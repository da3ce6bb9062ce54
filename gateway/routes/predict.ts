import { z } from 'zod';
import { UnprocessableError, ValidationError } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import { FEATURE_NAMES, FEATURE_VERSION, featureVector, type SeriesHistory } from '../../domain/features/features.js';
import { route, type Route } from '../api/route.js';
import {
  FeaturesQuery,
  FeaturesResponse,
  ForecastQuery,
  ForecastResponse,
  PredictBatchResponse,
  Prediction,
  PredictQuery,
  predictBody,
} from '../api/schemas.js';
import type { GatewayContext } from '../context.js';
import { createPredictHandler, type ParsedPredict } from '../predict/handler.js';
import { scoreWithIntervals } from '../predict/predictor.js';
import { withServedModel } from '../model/alias-models.js';
import { rowAt, type ScoringRow } from '../predict/resolve.js';
import { intervalsOfPoint } from '../forecasts/compute.js';

const NOT_READY = 'no model is being served yet (before the first promotion, or while the first one loads)';
const UNKNOWN = 'unknown store or dept, or an alias no version carries (`?alias=`; GET /v1/aliases lists them)';
const UNPROCESSABLE = 'the request has the documented shape, but the series\' data or the served model cannot answer it (a week off the series\' 7-day grid or before its data, a horizon beyond the model\'s); `error.field` names the field';

/** The feature vector of a week; a week off the series' grid is the data's refusal (422), not a malformed request. */
function vectorOf(history: SeriesHistory, week: string, horizon: number): Float32Array {
  try {
    return featureVector(history, week, horizon);
  } catch (err) {
    if (err instanceof ValidationError && !(err instanceof UnprocessableError)) throw UnprocessableError.of(err.problems);
    throw err;
  }
}

/** POST /v1/predict and GET /v1/forecast, /v1/features: the serving API. */
export function predictRoutes(g: GatewayContext): Route[] {
  return [predictRoute(g), forecastRoute(g), featuresRoute(g)];
}

/** POST /v1/predict: one item or a batch, scored by one model version. */
function predictRoute(g: GatewayContext): Route {
  const maxBatch = g.cfg.gateway.maxBatch;
  const handler = createPredictHandler(g);
  return route(
    {
      method: 'post',
      path: '/v1/predict',
      tag: 'predict',
      access: 'read',
      summary: `Predict weekly sales for one item or a batch of up to ${maxBatch}`,
      description:
        'Features come from the online state kept from sales.weekly through the shared feature module; no database is queried. ' +
        'An item whose origin is the series\' last known week is answered from the forecast projection (forecast.published) held in memory; ' +
        'a what-if (exogenous overrides), another origin or a series not published yet for the serving model is computed; `source` says which. ' +
        `A batch is {"items": [...]} (1..${maxBatch} items, the documented limit, GATEWAY_MAX_BATCH) and is scored by one model version in one call.`,
      query: PredictQuery,
      body: predictBody(maxBatch),
      parseBody: (raw: unknown) => handler.parse(raw),
      ok: { schema: z.union([Prediction, PredictBatchResponse]), description: 'a Prediction for one item, or a PredictBatchResponse for a batch' },
      errors: { 404: UNKNOWN, 422: UNPROCESSABLE, 503: NOT_READY },
      rateLimited: true,
    },
    async ({ body, query }, ctx) => {
      const text = await handler.answer(body as ParsedPredict, (query as z.output<typeof PredictQuery>).alias);
      ctx.type = 'application/json';
      return text;
    },
  );
}

/** GET /v1/forecast: the next 1..H weeks of a series with their intervals. */
function forecastRoute(g: GatewayContext): Route {
  return route(
    {
      method: 'get',
      path: '/v1/forecast',
      tag: 'predict',
      access: 'read',
      summary: 'The next 1..H weeks of a series, after its last known week',
      description: 'From the forecast projection (forecast.published) held in memory when it holds the serving model\'s forecasts from the series\' last week, else computed now; `source` says which.',
      query: ForecastQuery,
      ok: { schema: ForecastResponse, description: 'one point per week ahead' },
      errors: { 404: UNKNOWN, 422: UNPROCESSABLE, 503: NOT_READY },
    },
    async ({ query }) => {
      const q = query as z.output<typeof ForecastQuery>;
      g.assertServing();
      const history = g.store.get(q.store, q.dept);
      return withServedModel(g.aliasModels, q.alias, async (model, alias) => {
        const H = q.horizon ?? Math.min(g.cfg.trainer.horizon, model.horizon);
        if (H > model.horizon) throw new UnprocessableError('horizon', `an integer 1..${model.horizon} (the horizon model v${model.version} was trained for)`, H);
        const last = history.length - 1;
        const head = { store: q.store, dept: q.dept, origin: history.weekAt(last), modelVersion: model.version, modelAlias: alias };
        g.scored('forecast', model, H);
        const published = g.forecasts.current(history, model.version);
        if (published && published.points.length >= H) {
          return { ...head, source: 'cache', points: published.points.slice(0, H).map((p) => ({ week: p.week, horizon: p.horizon, forecast: p.forecast, intervals: intervalsOfPoint(p) })) };
        }
        const rows: ScoringRow[] = Array.from({ length: H }, (_, k) => rowAt(history, last + k + 1, k + 1));
        const { forecasts, intervals } = await scoreWithIntervals(model, rows, () => 'store');
        return {
          ...head,
          source: 'computed',
          points: rows.map((r, i) => ({ week: r.week, horizon: r.horizon, forecast: Math.round(forecasts[i]! * 100) / 100, intervals: intervals[i]! })),
        };
      });
    },
  );
}

/** GET /v1/features: the vector the model would see (debugging, skew checks). */
function featuresRoute(g: GatewayContext): Route {
  return route(
    {
      method: 'get',
      path: '/v1/features',
      tag: 'predict',
      access: 'read',
      summary: 'The feature vector the model would see for a series, week and horizon (debugging, skew checks)',
      query: FeaturesQuery,
      ok: { schema: FeaturesResponse, description: 'names and values in model column order' },
      errors: { 404: 'unknown store or dept', 422: UNPROCESSABLE },
    },
    ({ query }) => {
      const q = query as z.output<typeof FeaturesQuery>;
      const history = g.store.get(q.store, q.dept);
      if (history.length > 0 && q.week > addWeeks(history.weekAt(history.length - 1), 52)) {
        throw new UnprocessableError('week', 'a week at most 52 weeks after the series\' last known week', q.week);
      }
      const v = vectorOf(history, q.week, q.horizon);
      return { store: q.store, dept: q.dept, week: q.week, horizon: q.horizon, featureVersion: FEATURE_VERSION, names: [...FEATURE_NAMES], values: [...v].map((x) => (Number.isNaN(x) ? null : x)) };
    },
  );
}
