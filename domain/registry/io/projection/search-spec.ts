/**
 * The search projection: run params and metrics (model.trained) and version
 * tags (model.annotations) as key/value rows, so GET /v1/runs and
 * /v1/models filter and sort in ClickHouse (domain/registry/search/).
 * Its own consumer group beside the registry projection (a topic feeds one
 * table per projection). ReplacingMergeTree keyed by what a row is about:
 * a replay or a redelivery writes the same rows again, and for tags the
 * latest event per (version, key) wins, a removal included.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { exec, ident } from '../../../lib/clickhouse/client.js';
import type { ProjectionSpec } from '../../../lib/projection/projector.js';
import { route } from '../../../lib/projection/routed-sink.js';
import { MODEL_ANNOTATED, MODEL_TRAINED } from '../../contracts.js';
import { runValueRows, tagRows } from './search-rows.js';

export const RUN_VALUES_TABLE = 'model_run_values';
export const TAGS_TABLE = 'model_tags';
export const SEARCH_OBJECTS = [RUN_VALUES_TABLE, TAGS_TABLE] as const;

/** Creates the search tables when missing (idempotent). */
export async function createSearchTables(ch: ClickHouseClient, database: string): Promise<void> {
  const db = ident(database, 'database');
  await exec(ch, `CREATE DATABASE IF NOT EXISTS ${db}`);
  await exec(
    ch,
    `CREATE TABLE IF NOT EXISTS ${db}.${RUN_VALUES_TABLE} (
      version UInt32, kind String, key String, num Float64, str String, kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY (version, kind, key)`,
  );
  await exec(
    ch,
    `CREATE TABLE IF NOT EXISTS ${db}.${TAGS_TABLE} (
      version UInt32, key String, value String, removed UInt8, kafka_partition UInt16, kafka_offset UInt64
    ) ENGINE = ReplacingMergeTree(kafka_offset) ORDER BY (version, key)`,
  );
}

/** Drops the search tables (tests; an operator's reset before a replay). */
export async function dropSearchTables(ch: ClickHouseClient, database: string): Promise<void> {
  const db = ident(database, 'database');
  for (const name of SEARCH_OBJECTS) await exec(ch, `DROP TABLE IF EXISTS ${db}.${name}`);
}

export const SEARCH_PROJECTION: ProjectionSpec = {
  name: 'registry-search',
  topics: (t) => [t.modelTrained, t.modelAnnotations],
  routes: ({ topics }) => [route(topics.modelTrained, RUN_VALUES_TABLE, MODEL_TRAINED, runValueRows), route(topics.modelAnnotations, TAGS_TABLE, MODEL_ANNOTATED, tagRows)],
  createTables: createSearchTables,
  checksumTables: [{ table: RUN_VALUES_TABLE }, { table: TAGS_TABLE }],
};
