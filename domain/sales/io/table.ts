/** Creating the sales table: the statements are declared in ../table.ts (pure), run here. */
import type { ClickHouseClient } from '@clickhouse/client';
import { exec } from '../../../lib/clickhouse/client.js';
import { salesTableStatements } from '../table.js';

/**
 * The sales projection: one row per series-week. ReplacingMergeTree keeps
 * the row with the highest `version` (the Kafka offset, so the last write in
 * the log wins); replays and redeliveries write identical rows. Readers use
 * FINAL (or argMax) so unmerged duplicates never show.
 */
export async function createSalesTable(ch: ClickHouseClient, database: string, cluster: string | null = null): Promise<void> {
  for (const statement of salesTableStatements(database, cluster)) await exec(ch, statement);
}
