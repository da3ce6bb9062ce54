/** Creating and dropping the registry tables and views declared in ../../projection/tables.ts (pure). */
import type { ClickHouseClient } from '@clickhouse/client';
import { exec, ident } from '../../../../lib/clickhouse/client.js';
import { REGISTRY_OBJECTS, registryTableStatements } from '../../projection/tables.js';

/** Runs registryTableStatements (idempotent). */
export async function createRegistryTables(ch: ClickHouseClient, database: string): Promise<void> {
  for (const statement of registryTableStatements(database)) await exec(ch, statement);
}

/** Drops the projection's tables and views (the rebuild test; an operator's reset). */
export async function dropRegistryTables(ch: ClickHouseClient, database: string): Promise<void> {
  const db = ident(database, 'database');
  for (const name of REGISTRY_OBJECTS) await exec(ch, `DROP TABLE IF EXISTS ${db}.${name}`);
}
