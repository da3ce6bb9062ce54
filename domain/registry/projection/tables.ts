/**
 * The registry projection: one table per event type, each row keyed by what
 * identifies the event, ReplacingMergeTree so a replay or a redelivery writes
 * the same row again and FINAL shows it once. Two views answer the usual
 * questions (each version's stage, the current champion) from those tables
 * alone, so dropping everything and replaying the topics rebuilds them.
 * Promotions carry `applied` (did the registry fold apply it?) so the views
 * agree with the fold; a table from before that column must be rebuilt
 * (drop the registry tables and replay: consumers/replay).
 * SQL kept to what ClickHouse 18.16 and current releases both accept.
 */
import { ident } from '../../../lib/clickhouse/sql.js';

export const REQUESTS_TABLE = 'training_requests';
export const RUNS_TABLE = 'model_runs';
export const PROMOTIONS_TABLE = 'model_promotions';
export const VERSIONS_VIEW = 'model_versions';
export const CHAMPION_VIEW = 'model_champion';
/** Everything this projection owns, views first (they depend on the tables). */
export const REGISTRY_OBJECTS = [VERSIONS_VIEW, CHAMPION_VIEW, REQUESTS_TABLE, RUNS_TABLE, PROMOTIONS_TABLE] as const;

/** The statements that create the database, tables and views when missing (IF NOT EXISTS: idempotent). */
export function registryTableStatements(database: string): string[] {
  const db = ident(database, 'database');
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${REQUESTS_TABLE} (
      request_id String, trigger String, reason String, cutoff_week Nullable(String), requested_by String,
      requested_at UInt64, params Nullable(String), kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY request_id`,
    `CREATE TABLE IF NOT EXISTS ${db}.${RUNS_TABLE} (
      version UInt32, run_id String, request_ids Array(String), trigger String, reasons Array(String),
      params String, feature_version String, features Array(String), horizon UInt16, metrics String,
      wape_model Nullable(Float64), wape_seasonal_naive Nullable(Float64), wape_last_value Nullable(Float64), wape_champion Nullable(Float64),
      holdout_weeks Array(String), data_max_week String, data_rows UInt64, data_series UInt32, topic_offsets String,
      duration_ms UInt64, artifact_sha256 String, artifact_uri String, artifact_bytes UInt64,
      decision String, decision_reason String, trained_at UInt64, kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY version`,
    `CREATE TABLE IF NOT EXISTS ${db}.${PROMOTIONS_TABLE} (
      version UInt32, run_id String, previous_version Nullable(UInt32), kind String, reason String,
      artifact_sha256 String, artifact_uri String, promoted_by String, promoted_at UInt64, applied UInt8,
      kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY (kafka_partition, kafka_offset)`,
    `CREATE VIEW IF NOT EXISTS ${db}.${CHAMPION_VIEW} AS
      SELECT version, run_id, previous_version, kind, reason, artifact_sha256, artifact_uri, promoted_by, promoted_at
      FROM ${db}.${PROMOTIONS_TABLE} FINAL WHERE applied = 1 ORDER BY kafka_partition DESC, kafka_offset DESC LIMIT 1`,
    `CREATE VIEW IF NOT EXISTS ${db}.${VERSIONS_VIEW} AS
      SELECT version, run_id, decision, wape_model, wape_seasonal_naive, wape_champion, data_max_week, trained_at, artifact_uri,
        multiIf(version = (SELECT version FROM ${db}.${PROMOTIONS_TABLE} FINAL WHERE applied = 1 ORDER BY kafka_partition DESC, kafka_offset DESC LIMIT 1), 'champion',
                times_promoted > 0, 'archived',
                decision = 'promoted', 'candidate',
                decision) AS stage
      FROM ${db}.${RUNS_TABLE} FINAL
      ANY LEFT JOIN (SELECT version, count() AS times_promoted FROM ${db}.${PROMOTIONS_TABLE} FINAL WHERE applied = 1 GROUP BY version) USING version`,
  ];
}
