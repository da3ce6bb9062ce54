/**
 * The forecast projection's table: one row per (series, origin, model
 * version, horizon), the champion's forecast and its interval bounds.
 * ReplacingMergeTree keyed by everything that identifies a forecast, so a
 * re-publication (a gateway restarted before its offsets moved on, two
 * replicas publishing the same promotion) or a replay writes the same row
 * again and FINAL shows it once; the version column is the Kafka offset, so
 * the last publication in the log wins.
 * SQL kept to what ClickHouse 18.16 and current releases both accept (Date,
 * Nullable(Float64), no LowCardinality, no DateTime64).
 */
import type { TableDdl } from '../../lib/clickhouse/ddl.js';
import type { LogPosition } from '../../lib/projection/routed-sink.js';
import type { ForecastPublished } from '../../schemas/types.js';

export const FORECASTS_TABLE = 'forecasts';

/** Columns in table order with their types; the DDL, the checksum and the export read the same list. */
const COLUMNS = [
  { name: 'store', type: 'UInt16' }, { name: 'dept', type: 'UInt16' }, { name: 'origin', type: 'Date' }, { name: 'week', type: 'Date' },
  { name: 'horizon', type: 'UInt8' }, { name: 'forecast', type: 'Float64' },
  { name: 'lower_80', type: 'Nullable(Float64)' }, { name: 'upper_80', type: 'Nullable(Float64)' },
  { name: 'lower_95', type: 'Nullable(Float64)' }, { name: 'upper_95', type: 'Nullable(Float64)' },
  { name: 'model_version', type: 'UInt32' }, { name: 'trigger', type: 'String' }, { name: 'published_at', type: 'UInt64' },
  { name: 'kafka_partition', type: 'UInt16' }, { name: 'kafka_offset', type: 'UInt64' },
  // last: tables created before the hierarchy get it by ALTER (addLevelColumn), which appends
  { name: 'level', type: "String DEFAULT 'series'" },
] as const;

export const FORECAST_COLUMNS = COLUMNS.map((c) => c.name);

export interface ForecastRow {
  store: number;
  dept: number;
  origin: string;
  week: string;
  horizon: number;
  forecast: number;
  lower_80: number | null;
  upper_80: number | null;
  lower_95: number | null;
  upper_95: number | null;
  model_version: number;
  trigger: string;
  published_at: number;
  kafka_partition: number;
  kafka_offset: number;
  /** total | store | dept | series; store and dept are 0 where the level covers all of them. */
  level: string;
}

/** The rows of one published event, one per horizon. */
export function forecastRows(e: ForecastPublished, at: LogPosition): ForecastRow[] {
  return e.points.map((p) => ({
    store: e.store,
    dept: e.dept,
    origin: e.origin,
    week: p.week,
    horizon: p.horizon,
    forecast: p.forecast,
    lower_80: p.lower80,
    upper_80: p.upper80,
    lower_95: p.lower95,
    upper_95: p.upper95,
    model_version: e.modelVersion,
    trigger: e.trigger,
    published_at: e.publishedAt,
    kafka_partition: at.partition,
    kafka_offset: Number(at.offset),
    level: e.level ?? 'series',
  }));
}

/** The table's descriptor: sharded by series on a cluster, like the sales table, so a series' rows meet on one shard for the replacing merge. */
export function forecastTable(database: string): TableDdl {
  return {
    database,
    table: FORECASTS_TABLE,
    columns: COLUMNS,
    engine: 'ReplacingMergeTree',
    engineArgs: ['kafka_offset'],
    partitionBy: 'toYYYYMM(origin)',
    orderBy: '(store, dept, origin, model_version, horizon)',
    shardBy: 'cityHash64(store, dept)',
  };
}
