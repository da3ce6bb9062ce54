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
import { exec, ident, rows, strLit } from '../../lib/clickhouse/client.js';
import { dropTableDdl, tableDdl, type TableDdl } from '../../lib/clickhouse/ddl.js';
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

/** Creates the database and the table when missing (idempotent); with `cluster` (CLICKHOUSE_CLUSTER) on every node, behind a Distributed table. */
export async function createForecastTable(ch: ClickHouseClient, database: string, cluster: string | null = null): Promise<void> {
  for (const statement of tableDdl(forecastTable(database), cluster)) await exec(ch, statement);
  await addLevelColumn(ch, database, cluster);
}

/**
 * A table created before the hierarchy has no `level` column: it is added in
 * place (its rows are series, the default). 18.16 has no ADD COLUMN IF NOT
 * EXISTS, so system.columns is asked first; on a cluster the local tables
 * (every node) and then the Distributed one.
 */
async function addLevelColumn(ch: ClickHouseClient, database: string, cluster: string | null): Promise<void> {
  const db = ident(database, 'database');
  const on = cluster ? ` ON CLUSTER ${ident(cluster, 'CLICKHOUSE_CLUSTER')}` : '';
  for (const table of cluster ? [`${FORECASTS_TABLE}_local`, FORECASTS_TABLE] : [FORECASTS_TABLE]) {
    const have = await rows<{ n: number }>(ch, `SELECT toUInt32(count()) AS n FROM system.columns WHERE database = ${strLit(database)} AND table = ${strLit(table)} AND name = 'level'`);
    if (Number(have[0]?.n ?? 0) === 0) await exec(ch, `ALTER TABLE ${db}.${table}${on} ADD COLUMN level String DEFAULT 'series'`);
  }
}

/** Drops the table (the rebuild test; an operator's reset); on a cluster its local tables on every node too. */
export async function dropForecastTable(ch: ClickHouseClient, database: string, cluster: string | null = null): Promise<void> {
  for (const statement of dropTableDdl(database, FORECASTS_TABLE, cluster)) await exec(ch, statement);
}
