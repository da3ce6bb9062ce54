import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows } from '../../lib/clickhouse.js';
import type { ChecksumTable } from './projections.js';

export interface TableChecksum {
  table: string;
  rows: number;
  /** order-independent content hash of the deduplicated rows (hex) */
  hash: string;
}

/**
 * Row count and a content hash of a table as readers see it (FINAL), over
 * the columns the log determines. The hash sums cityHash64 of each row's
 * text form, so row order and merge state do not matter, and it runs the same
 * on ClickHouse 18.16 and current releases.
 */
export async function tableChecksum(ch: ClickHouseClient, database: string, t: ChecksumTable): Promise<TableChecksum> {
  const db = ident(database, 'database');
  const cols = t.columns.map((c) => `toString(${ident(c, 'column')})`).join(", '|', ");
  const r = await rows<{ n: string; h: string }>(
    ch,
    `SELECT count() AS n, toString(sum(cityHash64(concat(${cols}, '|')))) AS h FROM ${db}.${ident(t.table, 'table')} FINAL`,
  );
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
    const [a, b] = await Promise.all([tableChecksum(ch, live, t), tableChecksum(ch, replayed, t)]);
    out.push({ table: t.table, live: a, replayed: b, equal: a.rows === b.rows && a.hash === b.hash });
  }
  return { equal: out.every((x) => x.equal), tables: out };
}
