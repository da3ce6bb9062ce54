/** Creating, migrating and dropping the forecast table declared in ../table.ts (pure). */
import type { ClickHouseClient } from '@clickhouse/client';
import { exec, ident, rows, strLit } from '../../../lib/clickhouse/client.js';
import { dropTableDdl, tableDdl } from '../../../lib/clickhouse/ddl.js';
import { FORECASTS_TABLE, forecastTable } from '../table.js';

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
