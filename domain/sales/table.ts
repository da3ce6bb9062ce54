import type { ClickHouseClient } from '@clickhouse/client';
import { exec, ident } from '../../lib/clickhouse.js';
import type { SalesWeek } from '../../schemas/types.js';

/** Name of the sales projection table. */
export const SALES_TABLE = 'sales_weekly';

/**
 * The sales projection: one row per series-week. ReplacingMergeTree keeps
 * the row with the highest `version` (the Kafka offset, so the last write in
 * the log wins); replays and redeliveries write identical rows. Readers use
 * FINAL (or argMax) so unmerged duplicates never show.
 */
export async function createSalesTable(ch: ClickHouseClient, database: string): Promise<void> {
  const db = ident(database, 'database');
  await exec(ch, `CREATE DATABASE IF NOT EXISTS ${db}`);
  await exec(
    ch,
    `CREATE TABLE IF NOT EXISTS ${db}.${SALES_TABLE} (
      store UInt16,
      dept UInt16,
      week Date,
      weekly_sales Float64,
      is_holiday UInt8,
      temperature Nullable(Float64),
      fuel_price Nullable(Float64),
      markdown1 Nullable(Float64),
      markdown2 Nullable(Float64),
      markdown3 Nullable(Float64),
      markdown4 Nullable(Float64),
      markdown5 Nullable(Float64),
      cpi Nullable(Float64),
      unemployment Nullable(Float64),
      store_type String,
      store_size UInt32,
      event_id String,
      source String,
      produced_at UInt64,
      kafka_partition UInt16,
      kafka_offset UInt64,
      version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    PARTITION BY toYear(week)
    ORDER BY (store, dept, week)`,
  );
}

/** The table row of a validated event; `version` orders rewrites of the same week. */
export function salesRow(e: SalesWeek, partition: number, offset: number): Record<string, unknown> {
  return {
    store: e.store,
    dept: e.dept,
    week: e.week,
    weekly_sales: e.weeklySales,
    is_holiday: e.isHoliday ? 1 : 0,
    temperature: e.temperature,
    fuel_price: e.fuelPrice,
    markdown1: e.markdown1,
    markdown2: e.markdown2,
    markdown3: e.markdown3,
    markdown4: e.markdown4,
    markdown5: e.markdown5,
    cpi: e.cpi,
    unemployment: e.unemployment,
    store_type: e.storeType ?? '',
    store_size: e.storeSize ?? 0,
    event_id: e.eventId,
    source: e.source,
    produced_at: e.producedAt,
    kafka_partition: partition,
    kafka_offset: offset,
    version: offset,
  };
}
