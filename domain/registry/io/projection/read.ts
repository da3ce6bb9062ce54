/**
 * Reads the registry back from the projection: the rows are turned back into
 * the events they came from and folded with the trainer's own registry fold,
 * so the CLI and the gateway see the same stages the trainer decides with.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows, strLit } from '../../../../lib/clickhouse/client.js';
import { AppError } from '../../../../lib/errors.js';
import type { TrainingRequested } from '../../../../schemas/types.js';
import { foldRegistry, type RegistryEvent, type RegistryState } from '../../state.js';
import { promotionOfRow, requestOfRow, runOfRow, type PromotionRow, type RequestRow, type RunRow } from '../../projection/rows.js';
import { PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../projection/tables.js';

/** The registry state from the projection tables; throws REGISTRY_UNAVAILABLE when they do not exist. */
export async function readRegistry(ch: ClickHouseClient, database: string): Promise<RegistryState> {
  const db = await checkTables(ch, database);
  const [runs, promos] = await Promise.all([
    rows<RunRow>(ch, `SELECT * FROM ${db}.${RUNS_TABLE} FINAL ORDER BY kafka_partition, kafka_offset`),
    rows<PromotionRow>(ch, `SELECT * FROM ${db}.${PROMOTIONS_TABLE} FINAL ORDER BY kafka_partition, kafka_offset`),
  ]);
  const events: RegistryEvent[] = [
    ...runs.map((r): RegistryEvent => ({ type: 'trained', event: runOfRow(r) })),
    ...promos.map((r): RegistryEvent => ({ type: 'promoted', event: promotionOfRow(r) })),
  ];
  return foldRegistry(events);
}

/** The latest `limit` training requests, newest first. */
export async function readRequests(ch: ClickHouseClient, database: string, limit = 50): Promise<TrainingRequested[]> {
  const db = await checkTables(ch, database);
  const r = await rows<RequestRow>(ch, `SELECT * FROM ${db}.${REQUESTS_TABLE} FINAL ORDER BY kafka_partition DESC, kafka_offset DESC LIMIT ${Math.max(1, Math.floor(limit))}`);
  return r.map(requestOfRow);
}

async function checkTables(ch: ClickHouseClient, database: string): Promise<string> {
  const db = ident(database, 'database');
  const r = await rows<{ n: string }>(
    ch,
    `SELECT count() AS n FROM system.tables WHERE database = ${strLit(db)} AND name IN (${[REQUESTS_TABLE, RUNS_TABLE, PROMOTIONS_TABLE].map(strLit).join(', ')})`,
  );
  if (Number(r[0]?.n ?? 0) < 3) {
    throw new AppError('REGISTRY_UNAVAILABLE', `the model registry tables are not in database ${db}: start the registry projector (npx tsx consumers/registry/main.ts)`, { retriable: true });
  }
  return db;
}
