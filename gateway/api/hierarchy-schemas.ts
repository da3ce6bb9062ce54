/** GET /v1/forecast at every level of the sales hierarchy: its query and the answer for an aggregate (total, store, dept). */
import { z } from 'zod';
import { MAX_HORIZON } from '../../domain/features/spec.js';
import { QueryInt } from '../../lib/query.js';
import { AliasQuery } from './registry-schemas.js';
import { Horizon, PredictionInterval, Week } from './schemas.js';

export const ForecastLevel = z.enum(['total', 'store', 'dept', 'series']);

export const ForecastLevelQuery = z.strictObject({
  level: ForecastLevel.optional().describe('total, store (store=), dept (dept=, across stores) or series (store= and dept=; the default)'),
  store: QueryInt(1, 65535).optional().describe('Store number: with level series and store'),
  dept: QueryInt(1, 65535).optional().describe('Department number: with level series and dept'),
  horizon: QueryInt(1, MAX_HORIZON).optional().describe('number of weeks ahead (default: the trainer horizon; at most the champion\'s)'),
  alias: AliasQuery.describe('the model to answer with (level series only: aggregates are published for the champion); default champion'),
});

export const AggregateForecastResponse = z
  .object({
    level: ForecastLevel.exclude(['series']),
    store: z.int().describe('0 = all stores (levels total and dept)'),
    dept: z.int().describe('0 = all departments (levels total and store)'),
    origin: Week.describe('the latest week of the series summed'),
    modelVersion: z.int(),
    modelAlias: z.literal('champion'),
    source: z.literal('cache').describe('from the forecast projection (forecast.published, level total / store / dept)'),
    points: z.array(
      z.object({
        week: Week,
        horizon: Horizon,
        forecast: z.number().describe('the bottom-up sum of the series\' forecasts: levels add up'),
        intervals: z.array(PredictionInterval).describe('80% and 95%: the series\' half-widths combined at the level\'s correlation (docs/hierarchy.md)'),
      }),
    ),
  })
  .meta({ id: 'AggregateForecastResponse' });
