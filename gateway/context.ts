import type { ScheduleState } from '../domain/training/schedule.js';
import type { PaceState } from '../domain/simulation/pace.js';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../lib/config.js';
import type { ModelHolder } from './model/holder.js';
import type { SeriesStore } from './state/series-store.js';
import type { GatewayRegistry } from './state/registry-fold.js';
import type { LiveAccuracy } from '../domain/live/accuracy.js';
import type { GatewayMetrics } from './metrics.js';
import type { Operations } from './ops/operations.js';
import type { DeadLetterOps } from './ops/dead-letters.js';
import type { Readiness } from './readiness.js';
import type { ForecastCache } from './forecasts/cache.js';
import type { LoadedModel } from './model/holder.js';
import type { AliasModels } from './model/alias-models.js';

/** Why rows were scored (a metric label). */
export type ScoreKind = 'predict' | 'forecast' | 'published' | 'series';

/** Everything the routes need, built once by the server and passed down (no globals). */
export interface GatewayContext {
  cfg: Readonly<Config>;
  /** ClickHouse, for reads of projections the gateway does not hold in memory (backtests). */
  ch: ClickHouseClient;
  store: SeriesStore;
  holder: ModelHolder;
  registry: () => GatewayRegistry;
  accuracy: LiveAccuracy;
  metrics: GatewayMetrics;
  ops: Operations;
  /** Browsing and re-driving the dead-letter topic. */
  deadLetters: DeadLetterOps;
  readiness: Readiness;
  /** Called after every answer with the rows it holds, computed or cached (metrics). */
  scored: (kind: ScoreKind, model: LoadedModel, rows: number) => void;
  /** The forecast projection as this gateway holds it (forecast.published). */
  forecasts: ForecastCache;
  /** Throws a 503 while the online state is still replaying the log (predictions would use partial history). */
  assertServing: () => void;
  startedAt: number;
  /** The training schedule as folded from training.schedule. */
  schedule: () => ScheduleState;
  /** Waits until the follower has read training.schedule to its end (after appending a change). */
  syncSchedule: () => Promise<void>;
  /** The continuous simulator's pace as folded from simulation.pace. */
  pace: () => PaceState;
  /** Waits until the follower has read simulation.pace to its end (after appending a change). */
  syncPace: () => Promise<void>;
  /** The models aliases name besides the champion (`?alias=` on predict and forecast). */
  aliasModels: AliasModels;
  /** A verified local copy of an artifact by URI (fetched from model.artifacts when not cached), to stream. */
  artifactFile: (uri: string) => Promise<string>;
}
