/**
 * The content checksum of the sales projection against the log: count and
 * an order-independent sum of a 64-bit hash of (store, dept, week,
 * weekly_sales), computed the same way over the events produced (last value
 * per series-week wins, as in the table) and over the table read FINAL.
 */
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows } from '../lib/clickhouse.js';
import { SALES_TABLE } from '../domain/sales/table.js';
import type { SalesWeek } from '../schemas/types.js';

export interface SalesChecksum {
  rows: number;
  /** sum of the row hashes mod 2^64, hex */
  hash: string;
}

const MASK = (1n << 64n) - 1n;

function rowHash(store: number, dept: number, week: string, sales: number): bigint {
  return createHash('sha256').update(`${store}|${dept}|${week}|${sales}`).digest().readBigUInt64BE(0);
}

function fold(items: Iterable<[number, number, string, number]>): SalesChecksum {
  let n = 0;
  let sum = 0n;
  for (const [s, d, w, v] of items) {
    n++;
    sum = (sum + rowHash(s, d, w, v)) & MASK;
  }
  return { rows: n, hash: sum.toString(16).padStart(16, '0') };
}

/** The checksum the table must have after these events (re-sent series-weeks count once, the last value wins). */
export function expectedChecksum(events: Iterable<SalesWeek>): SalesChecksum {
  const last = new Map<string, SalesWeek>();
  for (const e of events) last.set(`${e.store}:${e.dept}:${e.week}`, e);
  return fold([...last.values()].map((e) => [e.store, e.dept, e.week, e.weeklySales] as [number, number, string, number]));
}

/** The checksum of the sales table as readers see it (FINAL); the hash is computed here, so both sides use one function. */
export async function tableChecksum(ch: ClickHouseClient, database: string): Promise<SalesChecksum> {
  const r = await rows<{ store: number; dept: number; week: string; weekly_sales: number }>(
    ch,
    `SELECT store, dept, toString(week) AS week, weekly_sales FROM ${ident(database, 'database')}.${SALES_TABLE} FINAL`,
  );
  return fold(r.map((x) => [Number(x.store), Number(x.dept), x.week, Number(x.weekly_sales)] as [number, number, string, number]));
}

/** Rows of the table without FINAL (cheap progress probe); 0 while the table or ClickHouse is missing. */
export async function rawRows(ch: ClickHouseClient, database: string): Promise<number> {
  try {
    const r = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${ident(database, 'database')}.${SALES_TABLE}`);
    return Number(r[0]?.n ?? 0);
  } catch {
    return 0;
  }
}
