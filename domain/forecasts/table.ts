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
import type { ClickHouseClient } from '@clickhouse/client';
import { exec, ident } from '../../lib/clickhouse.js';
import type { LogPosition } from '../../lib/routed-sink.js';
import type { ForecastPublished } from '../../schemas/types.js';

export const FORECASTS_TABLE = 'forecasts';

/** Columns in table order; the checksum and the export read the same list. */
export const FORECAST_COLUMNS = [
  'store', 'dept', 'origin', 'week', 'horizon', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95',
  'model_version', 'trigger', 'published_at', 'kafka_partition', 'kafka_offset',
] as const;

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
  }));
}

/** Creates the database and the table when missing (idempotent). */
export async function createForecastTable(ch: ClickHouseClient, database: string): Promise<void> {
  const db = ident(database, 'database');
  await exec(ch, `CREATE DATABASE IF NOT EXISTS ${db}`);
  await exec(
    ch,
    `CREATE TABLE IF NOT EXISTS ${db}.${FORECASTS_TABLE} (
      store UInt16, dept UInt16, origin Date, week Date, horizon UInt8, forecast Float64,
      lower_80 Nullable(Float64), upper_80 Nullable(Float64), lower_95 Nullable(Float64), upper_95 Nullable(Float64),
      model_version UInt32, trigger String, published_at UInt64, kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) PARTITION BY toYYYYMM(origin) ORDER BY (store, dept, origin, model_version, horizon)`,
  );
}

/** Drops the table (the rebuild test; an operator's reset). */
export async function dropForecastTable(ch: ClickHouseClient, database: string): Promise<void> {
  await exec(ch, `DROP TABLE IF EXISTS ${ident(database, 'database')}.${FORECASTS_TABLE}`);
}
