/**
 * The forecast projection: `forecast.published` into the `forecasts` table,
 * one row per horizon. The events are deterministic for (series data,
 * origin, model version), so the table is a pure fold of the topic: a
 * replay into a fresh database rebuilds it row for row.
 */
import type { ProjectionSpec } from '../../../lib/projection/projector.js';
import { routeEach } from '../../../lib/projection/routed-sink.js';
import { FORECAST_PUBLISHED } from '../../contracts.js';
import { FORECASTS_TABLE, forecastRows } from '../table.js';
import { createForecastTable } from './table.js';

export const FORECAST_PROJECTION: ProjectionSpec = {
  name: 'forecasts',
  topics: (t) => [t.forecastPublished],
  routes: ({ topics }) => [routeEach(topics.forecastPublished, FORECASTS_TABLE, FORECAST_PUBLISHED, forecastRows)],
  createTables: createForecastTable,
  checksumTables: [{ table: FORECASTS_TABLE }], // every column (consumers/replay/checksum.ts)
};
