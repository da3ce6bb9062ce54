/**
 * The backtest projection: one table per event type, keyed by backtest id,
 * ReplacingMergeTree over the log offset so a replay or a redelivery writes
 * the same row again and FINAL shows it once. Small on purpose: enough for a
 * dashboard to list backtests and their headline numbers; the full detail
 * stays in the event (metrics JSON) and the report files.
 * "None" is 0 or '' in most columns; the checksum tells NULL apart anyway.
 * SQL kept to what ClickHouse 18.16 and current releases both accept.
 */
import { ident } from '../../../lib/clickhouse/sql.js';

export const BACKTEST_REQUESTS_TABLE = 'backtest_requests';
export const BACKTEST_RESULTS_TABLE = 'backtest_results';

/** The tables replay compares; every column of each is hashed (consumers/replay/checksum.ts). */
export const BACKTEST_CHECKSUM_TABLES = [{ table: BACKTEST_REQUESTS_TABLE }, { table: BACKTEST_RESULTS_TABLE }];

/** The statements that create the database and both tables when missing (IF NOT EXISTS: idempotent). */
export function backtestTableStatements(database: string): string[] {
  const db = ident(database, 'database');
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${BACKTEST_REQUESTS_TABLE} (
      backtest_id String, cutoff_count UInt32, from_week String, to_week String,
      horizon UInt16, refit_every UInt16, params String, series Array(String), sales_topic String, topic_offsets String,
      reason String, requested_by String, requested_at UInt64, kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY backtest_id`,
    `CREATE TABLE IF NOT EXISTS ${db}.${BACKTEST_RESULTS_TABLE} (
      backtest_id String, status String, reason String, notes Array(String), cutoffs Array(String),
      first_cutoff String, last_cutoff String, horizon UInt16, refit_every UInt16, refits UInt32, series UInt32,
      points UInt64, dropped UInt64, methods Array(String), metrics String,
      wape_model Nullable(Float64), wape_seasonal_naive Nullable(Float64), wape_last_value Nullable(Float64), wape_mean4 Nullable(Float64),
      wmae_model Nullable(Float64), wmae_seasonal_naive Nullable(Float64), wmae_last_value Nullable(Float64), wmae_mean4 Nullable(Float64),
      report_path String, output_dir String, requested_at UInt64, duration_ms UInt64, finished_at UInt64,
      kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY backtest_id`,
  ];
}
