/** The search projection's tables (declared here, pure; created by ../io/projection/search-spec.ts). */
import { ident } from '../../../lib/clickhouse/sql.js';

export const RUN_VALUES_TABLE = 'model_run_values';
export const TAGS_TABLE = 'model_tags';
export const SEARCH_OBJECTS = [RUN_VALUES_TABLE, TAGS_TABLE] as const;

/** The statements that create the search tables when missing (IF NOT EXISTS: idempotent). */
export function searchTableStatements(database: string): string[] {
  const db = ident(database, 'database');
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${RUN_VALUES_TABLE} (
      version UInt32, kind String, key String, num Float64, str String, kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY (version, kind, key)`,
    `CREATE TABLE IF NOT EXISTS ${db}.${TAGS_TABLE} (
      version UInt32, key String, value String, removed UInt8, kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY (version, key)`,
  ];
}
