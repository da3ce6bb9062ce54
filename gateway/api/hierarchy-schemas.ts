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

export const LevelHistoryQuery = z.strictObject({
  level: ForecastLevel.exclude(['series']).describe('total, store (store=) or dept (dept=, across stores); a series\' history is GET /v1/series'),
  store: QueryInt(1, 65535).optional().describe('Store number: with level store only'),
  dept: QueryInt(1, 65535).optional().describe('Department number: with level dept only'),
  weeks: QueryInt(1, 520).optional().describe('how many recent weeks (default 104)'),
});

export const LevelHistoryResponse = z
  .object({
    level: ForecastLevel.exclude(['series']),
    store: z.int().describe('0 = all stores (levels total and dept)'),
    dept: z.int().describe('0 = all departments (levels total and store)'),
    until: Week.nullable().describe('the last week summed: the origin of the published forecast of this node when there is one (a week still streaming in, series by series, is not drawn as a dip), else the latest week held'),
    weeks: z.array(Week),
    actual: z.array(z.number()).describe('the sales of the node\'s series summed per week (a gap adds nothing), rounded to cents'),
    series: z.array(z.int()).describe('how many of the node\'s series had a value that week'),
  })
  .meta({ id: 'LevelHistoryResponse' });
