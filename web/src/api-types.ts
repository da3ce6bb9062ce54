/**
 * The response shapes of the gateway's API, as the dashboard reads them:
 * inferred from the zod schemas the gateway validates its answers with
 * (gateway/api/*schemas.ts), so a renamed or retyped field fails the
 * dashboard's typecheck instead of drifting. Type imports only: no zod and
 * no gateway code end up in the bundle (eslint.config.js, webBoundary).
 */
import type { z } from 'zod';
import type { DeadLettersResponse } from '../../gateway/api/dead-letter-schemas.js';
import type { PaceResponse } from '../../gateway/api/pace-schemas.js';
import type { CompareResponse } from '../../gateway/api/registry-schemas.js';
import type { AggregateForecastResponse, LevelHistoryResponse } from '../../gateway/api/hierarchy-schemas.js';
import type { CatalogResponse, ForecastResponse, Prediction as PredictionSchema, ScheduleResponse, SeriesResponse } from '../../gateway/api/schemas.js';

/** GET /v1/dead-letters */
export type DeadLetterListing = z.output<typeof DeadLettersResponse>;
/** One message of GET /v1/dead-letters. */
export type DeadLetter = DeadLetterListing['messages'][number];
/** GET /v1/models/compare: curves on one round axis, importance on one feature axis. */
export type CompareColumns = z.output<typeof CompareResponse>;
/** GET /v1/schedule */
export type Schedule = z.output<typeof ScheduleResponse>;
/** GET /v1/series */
export type SeriesData = z.output<typeof SeriesResponse>;
/** GET /v1/forecast */
export type ForecastData = z.output<typeof ForecastResponse>;
/** GET /v1/forecast?level=total|store|dept */
export type AggregateForecast = z.output<typeof AggregateForecastResponse>;
/** GET /v1/series/level */
export type LevelHistory = z.output<typeof LevelHistoryResponse>;
/** GET /v1/catalog */
export type Catalog = z.output<typeof CatalogResponse>;
/** GET /v1/predict (one item) */
export type Prediction = z.output<typeof PredictionSchema>;
/** GET and POST /v1/simulation/pace */
export type Pace = z.output<typeof PaceResponse>;
