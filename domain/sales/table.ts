import { ident } from '../../lib/clickhouse/sql.js';
import { tableDdl, type TableDdl } from '../../lib/clickhouse/ddl.js';
import type { SalesWeek } from '../../schemas/types.js';

/** Name of the sales projection table. */
export const SALES_TABLE = 'sales_weekly';

/** Where an event sits in the log: the projection keeps it to order rewrites of a week. */
export interface SalesAt {
  partition: number;
  offset: number;
}

/** One column of the sales projection: its ClickHouse type and its value for an event. */
export interface SalesColumn {
  name: string;
  type: string;
  value(e: SalesWeek, at: SalesAt): unknown;
}

const col = (name: string, type: string, value: SalesColumn['value']): SalesColumn => ({ name, type, value });

/**
 * THE column list of the sales projection. The DDL, the row an event
 * becomes, the replay checksum's columns and the trainer's SELECT are all
 * generated from it, so a column is added in one place. Unknown store type
 * and size are stored as '' and 0 (these columns are not Nullable).
 */
export const SALES_COLUMNS: readonly SalesColumn[] = [
  col('store', 'UInt16', (e) => e.store),
  col('dept', 'UInt16', (e) => e.dept),
  col('week', 'Date', (e) => e.week),
  col('weekly_sales', 'Float64', (e) => e.weeklySales),
  col('is_holiday', 'UInt8', (e) => (e.isHoliday ? 1 : 0)),
  col('temperature', 'Nullable(Float64)', (e) => e.temperature),
  col('fuel_price', 'Nullable(Float64)', (e) => e.fuelPrice),
  col('markdown1', 'Nullable(Float64)', (e) => e.markdown1),
  col('markdown2', 'Nullable(Float64)', (e) => e.markdown2),
  col('markdown3', 'Nullable(Float64)', (e) => e.markdown3),
  col('markdown4', 'Nullable(Float64)', (e) => e.markdown4),
  col('markdown5', 'Nullable(Float64)', (e) => e.markdown5),
  col('cpi', 'Nullable(Float64)', (e) => e.cpi),
  col('unemployment', 'Nullable(Float64)', (e) => e.unemployment),
  col('store_type', 'String', (e) => e.storeType ?? ''),
  col('store_size', 'UInt32', (e) => e.storeSize ?? 0),
  col('event_id', 'String', (e) => e.eventId),
  col('source', 'String', (e) => e.source),
  col('produced_at', 'UInt64', (e) => e.producedAt),
  col('kafka_partition', 'UInt16', (_e, at) => at.partition),
  col('kafka_offset', 'UInt64', (_e, at) => at.offset),
  col('version', 'UInt64', (_e, at) => at.offset),
];

/** Every column name, in table order (the replay checksum compares all of them). */
export const SALES_COLUMN_NAMES: readonly string[] = SALES_COLUMNS.map((c) => c.name);

/** The sales table as data: the DDL of one server or of a cluster is generated from it (lib/clickhouse/ddl.ts). */
function salesTable(database: string): TableDdl {
  return {
    database,
    table: SALES_TABLE,
    columns: SALES_COLUMNS,
    engine: 'ReplacingMergeTree',
    engineArgs: ['version'],
    partitionBy: 'toYear(week)',
    orderBy: '(store, dept, week)',
    // all versions of a series-week must meet on one shard for the replacing merge (and FINAL) to see them
    shardBy: 'cityHash64(store, dept)',
  };
}

/**
 * The statements that create the sales projection in `database`: on one
 * server a ReplacingMergeTree; with `cluster` (CLICKHOUSE_CLUSTER) a
 * ReplicatedReplacingMergeTree `sales_weekly_local` ON CLUSTER on every node
 * and the Distributed `sales_weekly` over it, sharded by series.
 */
export function salesTableStatements(database: string, cluster: string | null = null): string[] {
  return tableDdl(salesTable(database), cluster);
}

/** The CREATE TABLE statement of the sales projection in `db` on one server. */
export function salesTableDdl(db: string): string {
  return salesTableStatements(db)[1]!;
}

/**
 * Builds a row as one object literal generated from the descriptor, so every
 * row shares one shape with its fields in-object: assigning 22 computed keys
 * one by one cost more than decoding the event (the backfill's profile).
 * The names are SQL identifiers checked here, so the generated code holds no
 * text from outside this file.
 */
function compileRow(columns: readonly SalesColumn[]): (cols: readonly SalesColumn[], e: SalesWeek, at: SalesAt) => Record<string, unknown> {
  const fields = columns.map((c, i) => `${ident(c.name, 'column')}: cols[${i}].value(e, at)`);
  return new Function('cols', 'e', 'at', `return { ${fields.join(', ')} };`) as ReturnType<typeof compileRow>;
}

const makeRow = compileRow(SALES_COLUMNS);

/** The table row of a validated event; `version` orders rewrites of the same week. */
export function salesRow(e: SalesWeek, partition: number, offset: number): Record<string, unknown> {
  return makeRow(SALES_COLUMNS, e, { partition, offset });
}
