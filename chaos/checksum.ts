/**
 * The content checksum of the sales projection against the log: count and
 * an order-independent sum of a 64-bit hash of every column the event
 * determines (all of SALES_COLUMNS but the log position: partition, offset,
 * version), computed the same way over the events produced (last value per
 * series-week wins, as in the table) and over the table read FINAL. A NULL
 * is hashed as its own marker, so a missing exogenous value is compared too.
 */
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows } from '../lib/clickhouse/client.js';
import { SALES_COLUMNS, SALES_TABLE } from '../domain/sales/table.js';
import type { SalesWeek } from '../schemas/types.js';

export interface SalesChecksum {
  rows: number;
  /** sum of the row hashes mod 2^64, hex */
  hash: string;
}

const MASK = (1n << 64n) - 1n;
/** The log position columns: the expected side cannot know where an event landed. */
const POSITION = new Set(['kafka_partition', 'kafka_offset', 'version']);
/** The columns both sides hash, in table order. */
export const CHECKSUM_COLUMNS = SALES_COLUMNS.filter((c) => !POSITION.has(c.name));
const AT = { partition: 0, offset: 0 };

/**
 * One column's value as hashed text: NULL is 'n', anything else 'v' + its
 * text (numbers through Number, so ClickHouse's "123" for a UInt64 and the
 * event's 123 agree). Exported for its unit test.
 */
export function cellText(type: string, v: unknown): string {
  if (v === null || v === undefined) return 'n';
  return `v${/Int|Float/.test(type) ? String(Number(v)) : String(v)}`;
}

/** The 64-bit hash of a row given as one value per CHECKSUM_COLUMNS entry. */
export function rowHash(values: readonly unknown[]): bigint {
  const text = CHECKSUM_COLUMNS.map((c, i) => cellText(c.type, values[i])).join('\u0001');
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

function fold(items: Iterable<readonly unknown[]>): SalesChecksum {
  let n = 0;
  let sum = 0n;
  for (const values of items) {
    n++;
    sum = (sum + rowHash(values)) & MASK;
  }
  return { rows: n, hash: sum.toString(16).padStart(16, '0') };
}

/** The checksum the table must have after these events (re-sent series-weeks count once, the last value wins). */
export function expectedChecksum(events: Iterable<SalesWeek>): SalesChecksum {
  const last = new Map<string, SalesWeek>();
  for (const e of events) last.set(`${e.store}:${e.dept}:${e.week}`, e);
  return fold([...last.values()].map((e) => CHECKSUM_COLUMNS.map((c) => c.value(e, AT))));
}

/** The checksum of the sales table as readers see it (FINAL); the hash is computed here, so both sides use one function. */
export async function tableChecksum(ch: ClickHouseClient, database: string): Promise<SalesChecksum> {
  const select = CHECKSUM_COLUMNS.map((c) => (c.type === 'Date' ? `toString(${c.name}) AS ${c.name}` : c.name)).join(', ');
  const r = await rows<Record<string, unknown>>(ch, `SELECT ${select} FROM ${ident(database, 'database')}.${SALES_TABLE} FINAL`);
  return fold(r.map((x) => CHECKSUM_COLUMNS.map((c) => x[c.name])));
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
