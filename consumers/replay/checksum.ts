import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows, strLit } from '../../lib/clickhouse/client.js';
import type { ChecksumTable } from './projections.js';

export interface TableChecksum {
  table: string;
  rows: number;
  /** order-independent content hash of the deduplicated rows (hex) */
  hash: string;
}

/**
 * One column's contribution to a row hash: 'v' + its text, or 'n' when NULL.
 * `concat` of a NULL is NULL and `sum` skips NULLs, so without the marker a
 * row with any NULL column vanished from the hash (81% of a demo's sales rows,
 * every training request). The 'v'/'n' prefixes keep NULL apart from '' and
 * from the text '\N'.
 */
export function checksumColumnExpr(column: string): string {
  return `ifNull(concat('v', toString(${ident(column, 'column')})), 'n')`;
}

/**
 * The SELECT that counts and hashes `table` read FINAL: cityHash64 over every
 * column's marked text as separate arguments (no separator a value could
 * contain), summed mod 2^64 so row order and merge state do not matter.
 * Only functions ClickHouse 18.16 and current releases both have.
 */
export function checksumSql(database: string, table: string, columns: readonly string[]): string {
  if (columns.length === 0) throw new Error(`checksum of ${table}: no columns`);
  const args = columns.map(checksumColumnExpr).join(', ');
  return `SELECT count() AS n, toString(sum(cityHash64(${args}))) AS h FROM ${ident(database, 'database')}.${ident(table, 'table')} FINAL`;
}

/** Every column of a table as the server describes it, by name (the order both sides of a comparison share). */
export async function tableColumns(ch: ClickHouseClient, database: string, table: string): Promise<string[]> {
  const r = await rows<{ name: string }>(
    ch,
    `SELECT name FROM system.columns WHERE database = ${strLit(ident(database, 'database'))} AND table = ${strLit(ident(table, 'table'))} ORDER BY name`,
  );
  return r.map((x) => x.name);
}

/**
 * Row count and a content hash of a table as readers see it (FINAL). Without
 * `t.columns` it hashes every column the table has (read from
 * system.columns), so a column added later cannot be left out of replay's
 * proof; NULLs count as a distinct value (checksumColumnExpr).
 */
export async function tableChecksum(ch: ClickHouseClient, database: string, t: ChecksumTable): Promise<TableChecksum> {
  const columns = t.columns ?? (await tableColumns(ch, database, t.table));
  const r = await rows<{ n: string; h: string }>(ch, checksumSql(database, t.table, columns));
  return { table: t.table, rows: Number(r[0]?.n ?? 0), hash: BigInt(r[0]?.h ?? '0').toString(16).padStart(16, '0') };
}

/** Compares two databases table by table; `equal` is true only when every count and hash match. */
export async function compareDatabases(
  ch: ClickHouseClient,
  live: string,
  replayed: string,
  tables: ChecksumTable[],
): Promise<{ equal: boolean; tables: { table: string; live: TableChecksum; replayed: TableChecksum; equal: boolean }[] }> {
  const out = [];
  for (const t of tables) {
    // one column list for both sides: a column missing on one side is a difference, not a silently narrower hash
    const columns = t.columns ?? (await tableColumns(ch, live, t.table));
    const [a, b] = await Promise.all([tableChecksum(ch, live, { ...t, columns }), tableChecksum(ch, replayed, { ...t, columns })]);
    out.push({ table: t.table, live: a, replayed: b, equal: a.rows === b.rows && a.hash === b.hash });
  }
  return { equal: out.every((x) => x.equal), tables: out };
}
