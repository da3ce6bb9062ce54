/** Creating the backtest tables declared in ../../projection/tables.ts (pure). */
import type { ClickHouseClient } from '@clickhouse/client';
import { exec } from '../../../../lib/clickhouse/client.js';
import { backtestTableStatements } from '../../projection/tables.js';

/** Runs backtestTableStatements (idempotent). */
export async function createBacktestTables(ch: ClickHouseClient, database: string): Promise<void> {
  for (const statement of backtestTableStatements(database)) await exec(ch, statement);
}
