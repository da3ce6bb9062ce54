/**
 * Every request and response shape of the HTTP API, as zod schemas. The
 * routes validate with these and the OpenAPI document is generated from
 * them, so the docs cannot drift from what the server accepts.
 */
import { z } from 'zod';
import { QueryInt } from '../../lib/query.js';
import { dayOfName } from '../predict/week-names.js';
import { EXOGENOUS_FIELDS } from '../../schemas/types.js';
import { MAX_HORIZON } from '../../domain/features/spec.js';
import { AliasQuery } from './registry-schemas.js';
import { ParamsSchema } from '../../domain/training/request.js';

const ModelAlias = z.string().describe('the name that chose the model: champion, or the alias asked for with ?alias=');

/**
 * The dates the server accepts, as a pattern the document can carry: years
 * 1900..2200 (lib/weeks.ts parseIsoDay), months 01..12, days 01..31. The
 * calendar rule (no 2011-02-30) is `format: date` and the refinement below.
 */
const ISO_DATE = /^(?:19\d\d|20\d\d|21\d\d|2200)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

export const Store = z.int().min(1).max(65535).describe('Store number');
export const Dept = z.int().min(1).max(65535).describe('Department number');
export const Week = z
  .string()
  // abort: a string of the wrong shape stops here, so the refinement (and its memo) never sees it
  .regex(ISO_DATE, { error: 'an ISO date YYYY-MM-DD between 1900-01-01 and 2200-12-31', abort: true })
  .refine((s) => dayOfName(s) !== null, { error: 'a real calendar date YYYY-MM-DD' })
  .meta({
    format: 'date',
    description: 'ISO date of the week as the data names it (any weekday, 7 days apart): a real calendar date YYYY-MM-DD (no 2011-02-30) between 1900-01-01 and 2200-12-31',
  });
export const Horizon = z.int().min(1).max(MAX_HORIZON);
/** An integer query or path parameter (they arrive as strings) within [min, max]. */
export { QueryInt };

const exoShape = Object.fromEntries(
  EXOGENOUS_FIELDS.map((f) => [f, z.number().nullable().optional().describe(`overrides the model input exo_${f} (default: the last value known at the origin)`)]),
) as Record<(typeof EXOGENOUS_FIELDS)[number], z.ZodOptional<z.ZodNullable<z.ZodNumber>>>;

/** One thing to predict: a series and a target week, optionally a horizon and exogenous overrides. */
export const PredictItem = z
  .strictObject({
    store: Store,
    dept: Dept,
    week: Week,
    horizon: Horizon.optional().describe(
      'weeks between the forecast origin and the target week; default: from the series\' last known week (1 for weeks already known)',
    ),
    ...exoShape,
  })
  .meta({ id: 'PredictItem' });
export type PredictItem = z.output<typeof PredictItem>;

/** A batch: `items` holds 1..maxBatch items, scored together by one model version. */
export function predictBatch(maxBatch: number) {
  return z.strictObject({ items: z.array(PredictItem).min(1).max(maxBatch) }).meta({ id: 'PredictBatch' });
}

/** The documented body of POST /v1/predict: one item, or a batch. */
export function predictBody(maxBatch: number) {
  return z.union([PredictItem, predictBatch(maxBatch)]).describe(`one item, or {"items": [...]} with at most ${maxBatch} items`);
}

export const PredictionInterval = z
  .object({
    level: z.number().describe('nominal coverage as a fraction: 0.8 or 0.95'),
    lower: z.number().describe('lower bound of weekly sales'),
    upper: z.number().describe('upper bound of weekly sales'),
  })
  .describe('a conformal prediction interval: calibrated per horizon on the model\'s out-of-sample holdout errors, scaled by the series level')
  .meta({ id: 'PredictionInterval' });
export type PredictionInterval = z.output<typeof PredictionInterval>;
const Intervals = z.array(PredictionInterval).describe('80% and 95% intervals; empty when the model has no calibration for this horizon');

const Source = z
  .enum(['cache', 'computed'])
  .describe('cache: read from the forecast projection (forecast.published, the champion\'s forecasts from the series\' last week); computed: scored now (a what-if with exogenous overrides, another origin, or forecasts not published yet for this model)');

export const Prediction = z
  .object({
    store: Store,
    dept: Dept,
    week: Week,
    horizon: Horizon,
    origin: Week.describe('last week whose data the forecast uses'),
    forecast: z.number().describe('predicted weekly sales'),
    intervals: Intervals,
    actual: z.number().nullable().describe('actual sales when the week is already known'),
    modelVersion: z.int(),
    modelAlias: ModelAlias,
    source: Source,
  })
  .meta({ id: 'Prediction' });
export type Prediction = z.output<typeof Prediction>;

export const PredictBatchResponse = z
  .object({ modelVersion: z.int(), modelAlias: ModelAlias, count: z.int(), cached: z.int().describe('how many predictions came from the forecast projection'), predictions: z.array(Prediction) })
  .meta({ id: 'PredictBatchResponse' });

export const ForecastQuery = z.strictObject({
  store: QueryInt(1, 65535).describe('Store number'),
  dept: QueryInt(1, 65535).describe('Department number'),
  horizon: QueryInt(1, MAX_HORIZON).optional().describe('number of weeks ahead (default: the trainer horizon; at most the champion\'s)'),
  alias: AliasQuery,
});

export const PredictQuery = z.strictObject({ alias: AliasQuery });

export const ForecastResponse = z
  .object({
    store: Store,
    dept: Dept,
    origin: Week,
    modelVersion: z.int(),
    modelAlias: ModelAlias,
    source: Source,
    points: z.array(z.object({ week: Week, horizon: Horizon, forecast: z.number(), intervals: Intervals })),
  })
  .meta({ id: 'ForecastResponse' });

export const FeaturesQuery = z.strictObject({
  store: QueryInt(1, 65535),
  dept: QueryInt(1, 65535),
  week: Week,
  horizon: QueryInt(1, MAX_HORIZON),
});

export const FeaturesResponse = z
  .object({
    store: Store,
    dept: Dept,
    week: Week,
    horizon: Horizon,
    featureVersion: z.string(),
    names: z.array(z.string()),
    values: z.array(z.number().nullable()).describe('null where the feature is missing (NaN)'),
  })
  .meta({ id: 'FeaturesResponse' });

export const SeriesQuery = z.strictObject({
  store: QueryInt(1, 65535),
  dept: QueryInt(1, 65535),
  weeks: QueryInt(1, 520).optional().describe('how many recent weeks (default 104)'),
});

export const SeriesResponse = z
  .object({
    store: Store,
    dept: Dept,
    modelVersion: z.int().nullable(),
    weeks: z.array(Week),
    actual: z.array(z.number().nullable()),
    predicted: z.array(z.number().nullable()).describe('one-week-ahead forecasts of the current champion (null before any model)'),
    lower80: z.array(z.number().nullable()).describe('80% interval of `predicted`, lower bound (null where none)'),
    upper80: z.array(z.number().nullable()),
    lower95: z.array(z.number().nullable()).describe('95% interval of `predicted`, lower bound (null where none)'),
    upper95: z.array(z.number().nullable()),
  })
  .meta({ id: 'SeriesResponse' });

export const CatalogResponse = z
  .object({
    series: z.int(),
    stores: z.array(z.object({ store: Store, depts: z.array(Dept) })),
    firstWeek: Week.nullable(),
    latestWeek: Week.nullable(),
  })
  .meta({ id: 'CatalogResponse' });

export const TrainBody = z.strictObject({
  reason: z.string().min(1).max(500).optional().describe('why (kept with the request)'),
  cutoffWeek: Week.optional().describe('last week the run may use (default: all data)'),
  params: ParamsSchema.optional().describe('XGBoost overrides for this run on top of the trainer defaults; unknown keys are refused'),
});
export const TrainResponse = z.object({ requestId: z.string(), topic: z.string() }).meta({ id: 'TrainResponse' });

export const VersionParams = z.strictObject({ version: QueryInt(1, 2 ** 31 - 1).describe('model version') });
const ExpectedChampion = z
  .int()
  .min(1)
  .nullable()
  .optional()
  .describe('the champion this command replaces (null: none yet); default the champion the gateway reads from the log. Another champion answers 409');
export const PromoteBody = z.strictObject({ reason: z.string().min(1).max(500).optional(), expectedChampion: ExpectedChampion });
export const RollbackBody = z.strictObject({
  reason: z.string().min(1).max(500).optional(),
  expectedChampion: ExpectedChampion,
  version: z.int().min(1).optional().describe('version to return to (default: the champion before the current one)'),
});
export const PromotionResponse = z
  .object({ version: z.int(), previousVersion: z.int().nullable(), kind: z.enum(['promotion', 'rollback', 'manual']) })
  .meta({ id: 'PromotionResponse' });

export const NextWeekResponse = z.object({ week: Week, events: z.int() }).meta({ id: 'NextWeekResponse' });

export const HealthResponse = z.object({ status: z.literal('ok'), uptimeS: z.number() });
export const ReadyResponse = z
  .object({
    ready: z.boolean(),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string() })),
  })
  .meta({ id: 'ReadyResponse' });

/** One problem of a refused request (400, 422). */
export const ProblemDetail = z
  .object({
    field: z.string().describe('the field as a path: `store`, `items.3.week`, `filter`; `body`/`query`/`path` for the whole input'),
    expected: z.string().describe('what the field expected'),
    got: z.string().describe('a short rendering of the value found: "x" (strings cut at 40 characters), 3, null, nothing (absent), an array, an object'),
  })
  .meta({ id: 'ProblemDetail' });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional().describe('on 400 and 422: the (first) request field that was wrong'),
      expected: z.string().optional().describe('on 400 and 422: what that field expected'),
      details: z
        .array(ProblemDetail)
        .optional()
        .describe('on 400 and 422: every problem of the request (query, path and body together), the first being `field`/`expected`'),
      conflict: z
        .object({ expected: z.int().nullable(), actual: z.int().nullable() })
        .optional()
        .describe('on 409 CONFLICT: the champion the command expected to replace and the actual champion (null = none)'),
    }),
  })
  .meta({ id: 'Error' });

export const ScheduleResponse = z
  .object({
    cron: z.string().describe('TRAIN_CRON, evaluated in UTC'),
    timezone: z.literal('UTC'),
    paused: z.boolean(),
    reason: z.string().describe('why it was last paused or resumed (empty before any change)'),
    changedBy: z.string(),
    changedAt: z.string().nullable().describe('when it was last paused or resumed (ISO 8601), null before any change'),
    next: z.array(z.string()).describe('the next ticks (ISO 8601, UTC); while paused they are skipped'),
  })
  .meta({ id: 'ScheduleResponse' });
export const ScheduleBody = z.strictObject({ reason: z.string().max(500).optional().describe('why (kept with the event)') });

export const ForecastsExportQuery = z.strictObject({
  week: Week.describe('target week: every published forecast of it, from every origin and model version'),
  modelVersion: QueryInt(1, 2 ** 31 - 1).optional().describe('only this model version'),
  level: z.enum(['total', 'store', 'dept', 'series']).optional().describe('only the rows of this level (default: every level)'),
  store: QueryInt(1, 65535).optional().describe('only this store\'s rows (levels store and series; not with level total or dept, whose rows cover all stores)'),
  dept: QueryInt(1, 65535).optional().describe('only this department\'s rows (levels dept and series; not with level total or store, whose rows cover all departments)'),
});
export const ForecastsExport = z
  .string()
  .describe(
    'one line per (series or aggregate, origin, model version, horizon): store, dept, origin, week, horizon, forecast, lower_80, upper_80, lower_95, upper_95, model_version, published_at (ms), level (total, store, dept or series; store and dept are 0 where a level covers all of them). ' +
      'text/csv with a header line (empty bound: no interval), or application/x-ndjson (one JSON object per line) when Accept asks for it',
  );
