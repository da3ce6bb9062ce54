import { z } from 'zod';
import { UnprocessableError, ValidationError } from '../../lib/errors.js';
import { addWeeks } from '../../lib/weeks.js';
import { FEATURE_NAMES, FEATURE_VERSION, featureVector, type SeriesHistory } from '../../domain/features/features.js';
import { route, type Route } from '../api/route.js';
import {
  FeaturesQuery,
  FeaturesResponse,
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
import { AggregateForecastResponse, ForecastLevelQuery } from '../api/hierarchy-schemas.js';
import { HttpError } from '../http/errors.js';
import { NotFoundError } from '../../lib/errors.js';

/** What these routes take from the gateway context, and nothing more. */
export type PredictRouteDeps = Pick<GatewayContext, 'aliasModels' | 'assertServing' | 'cfg' | 'forecasts' | 'holder' | 'scored' | 'store'>;

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
export function predictRoutes(g: PredictRouteDeps): Route[] {
  return [predictRoute(g), forecastRoute(g), featuresRoute(g)];
}

/** POST /v1/predict: one item or a batch, scored by one model version. */
function predictRoute(g: PredictRouteDeps): Route {
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

/** Which of store and dept each level takes: the node's key. */
const LEVEL_KEYS = { total: [], store: ['store'], dept: ['dept'], series: ['store', 'dept'] } as const;

/**
 * The store and dept a level needs, present, and none it does not take; else
 * the field and what was expected, as a 422: each parameter alone has the
 * documented shape (OpenAPI cannot say which combinations go together).
 */
function levelKeys(q: z.output<typeof ForecastLevelQuery>): { level: keyof typeof LEVEL_KEYS; store: number; dept: number } {
  const level = q.level ?? 'series';
  const wants: readonly string[] = LEVEL_KEYS[level];
  for (const f of ['store', 'dept'] as const) {
    if (wants.includes(f) && q[f] === undefined) throw new UnprocessableError(f, `a ${f === 'store' ? 'store' : 'department'} number with level ${level}`, undefined);
    if (!wants.includes(f) && q[f] !== undefined) throw new UnprocessableError(f, `absent with level ${level} (${level === 'total' ? 'all stores and departments' : `all ${f === 'store' ? 'stores' : 'departments'}`})`, q[f]);
  }
  if (level !== 'series' && q.alias !== undefined && q.alias !== 'champion') throw new UnprocessableError('alias', 'absent with level ' + level + ' (aggregates are published for the champion)', q.alias);
  return { level, store: q.store ?? 0, dept: q.dept ?? 0 };
}

/** GET /v1/forecast: the next 1..H weeks of a series, a store, a department or the total, with their intervals. */
function forecastRoute(g: PredictRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/forecast',
      tag: 'predict',
      access: 'read',
      summary: 'The next 1..H weeks of a series, a store, a department or the total, after the last known week',
      description:
        'level=series (default; store and dept): from the forecast projection (forecast.published) held in memory when it holds the serving model\'s forecasts from the series\' last week, else computed now; `source` says which. ' +
        'level=store (store), dept (dept) or total: the champion\'s published aggregate, the bottom-up sum of its series\' forecasts (levels add up), with intervals combined from theirs (docs/hierarchy.md).',
      query: ForecastLevelQuery,
      ok: { schema: z.union([ForecastResponse, AggregateForecastResponse]), description: 'one point per week ahead: a ForecastResponse for a series, an AggregateForecastResponse for a store, a department or the total' },
      errors: {
        404: UNKNOWN,
        422: `${UNPROCESSABLE}; or a level without the store / dept it needs, or with one it does not take (level total takes neither, store only store, dept only dept, series both), or an alias with a level other than series`,
        503: `${NOT_READY}; for an aggregate also: not published yet for the serving model`,
      },
    },
    async ({ query }) => {
      const lq = query as z.output<typeof ForecastLevelQuery>;
      const node = levelKeys(lq);
      g.assertServing();
      if (node.level !== 'series') return aggregateAnswer(g, node.level, node.store, node.dept, lq.horizon);
      const q = { ...lq, store: node.store, dept: node.dept };
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

/** An aggregate's published forecasts, if they are the serving champion's. */
function aggregateAnswer(g: PredictRouteDeps, level: 'total' | 'store' | 'dept', store: number, dept: number, horizon: number | undefined) {
  return withServedModel(g.aliasModels, undefined, (model) => {
    const e = g.forecasts.aggregate(level, store, dept);
    if (!e) {
      // a node no series of the log belongs to is unknown; one that exists is only not published yet
      const known = [...g.store.all()].some((h) => (level === 'total' || (level === 'store' ? h.store === store : h.dept === dept)));
      if (!known) throw new NotFoundError(level === 'store' ? `store ${store}` : level === 'dept' ? `dept ${dept}` : 'any series');
      throw new HttpError(503, 'NOT_PUBLISHED', `no ${level} forecast published yet; retry after the forecast publisher's next pass`, { headers: { 'retry-after': '2' }, retriable: true });
    }
    if (e.modelVersion !== model.version) throw new HttpError(503, 'NOT_PUBLISHED', `the ${level} forecast of model v${model.version} is not published yet (v${e.modelVersion} is); retry shortly`, { headers: { 'retry-after': '2' }, retriable: true });
    const H = horizon ?? Math.min(g.cfg.trainer.horizon, model.horizon);
    if (H > e.points.length) throw new UnprocessableError('horizon', `an integer 1..${e.points.length} (the horizons published for model v${model.version})`, H);
    return Promise.resolve({
      level, store, dept, origin: e.origin, modelVersion: e.modelVersion, modelAlias: 'champion' as const, source: 'cache' as const,
      points: e.points.slice(0, H).map((p) => ({ week: p.week, horizon: p.horizon, forecast: p.forecast, intervals: intervalsOfPoint(p) })),
    });
  });
}

/** GET /v1/features: the vector the model would see (debugging, skew checks). */
function featuresRoute(g: PredictRouteDeps): Route {
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
