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
import { exec, ident } from '../../../../lib/clickhouse/client.js';
import type { ProjectionSpec } from '../../../../lib/projection/projector.js';
import { route } from '../../../../lib/projection/routed-sink.js';
import { MODEL_ANNOTATED, MODEL_TRAINED } from '../../../contracts.js';
import { runValueRows, tagRows } from '../../projection/search-rows.js';
import { RUN_VALUES_TABLE, SEARCH_OBJECTS, TAGS_TABLE, searchTableStatements } from '../../projection/search-tables.js';

/** Creates the search tables when missing (idempotent). */
export async function createSearchTables(ch: ClickHouseClient, database: string): Promise<void> {
  for (const statement of searchTableStatements(database)) await exec(ch, statement);
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
