/**
 * The trainer's input: every series' rows from the sales projection up to the
 * cut-off, read with FINAL (the projection is a ReplacingMergeTree; FINAL
 * hides unmerged duplicates of re-sent weeks), grouped into the shared
 * feature module's SeriesHistory. Also says which `sales.weekly` offsets the
 * data covers, so a model record can name exactly what it learned from.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { dateLit, ident } from '../lib/clickhouse.js';
import { DependencyError, messageOf } from '../lib/errors.js';
import { SALES_TABLE } from '../domain/sales/table.js';
import { SeriesHistory, type HistoryRow } from '../domain/features/features.js';

export interface TrainingData {
  /** Keyed `store:dept`. */
  series: Map<string, SeriesHistory>;
  rows: number;
  /** Latest week read (ISO), null when nothing was. */
  maxWeek: string | null;
  /** Partition -> highest `sales.weekly` offset among the rows read. */
  topicOffsets: Record<string, number>;
}

const COLUMNS = [
  'store', 'dept', 'toString(week)', 'weekly_sales', 'is_holiday', 'temperature', 'fuel_price',
  'markdown1', 'markdown2', 'markdown3', 'markdown4', 'markdown5', 'cpi', 'unemployment',
  'store_type', 'store_size', 'kafka_partition', 'toString(kafka_offset)',
];

/** A TabSeparated field as a number; `\\N` (NULL) becomes null. */
const num = (f: string | undefined): number | null => (f === undefined || f === '\\N' ? null : Number(f));

/** Reads every row with week <= cutoff (all rows when null), streamed, in (store, dept, week) order. */
export async function loadTrainingData(ch: ClickHouseClient, database: string, cutoffWeek: string | null): Promise<TrainingData> {
  const where = cutoffWeek === null ? '' : `WHERE week <= ${dateLit(cutoffWeek, 'cutoffWeek')}`;
  const query = `SELECT ${COLUMNS.join(', ')} FROM ${ident(database, 'database')}.${SALES_TABLE} FINAL ${where} ORDER BY store, dept, week`;
  const out: TrainingData = { series: new Map(), rows: 0, maxWeek: null, topicOffsets: {} };
  let current: { store: number; dept: number; rows: HistoryRow[] } | null = null;
  const close = () => {
    if (current) out.series.set(`${current.store}:${current.dept}`, SeriesHistory.fromRows(current.store, current.dept, current.rows));
  };
  try {
    // TabSeparated: the compact JSON formats do not exist on 18.16, and plain text parses fastest
    const rs = await ch.query({ query, format: 'TabSeparated' });
    for await (const batch of rs.stream()) {
      for (const row of batch) {
        const r = row.text.split('\t');
        const store = Number(r[0]);
        const dept = Number(r[1]);
        const week = r[2]!;
        if (!current || current.store !== store || current.dept !== dept) {
          close();
          current = { store, dept, rows: [] };
        }
        current.rows.push({
          week,
          sales: num(r[3]),
          isHoliday: r[4] === '1',
          temperature: num(r[5]),
          fuelPrice: num(r[6]),
          markdown1: num(r[7]),
          markdown2: num(r[8]),
          markdown3: num(r[9]),
          markdown4: num(r[10]),
          markdown5: num(r[11]),
          cpi: num(r[12]),
          unemployment: num(r[13]),
          // the projection stores "unknown" as '' and 0 (no Nullable for these columns)
          storeType: r[14] || null,
          storeSize: num(r[15]) || null,
        });
        out.rows++;
        if (out.maxWeek === null || week > out.maxWeek) out.maxWeek = week;
        const part = r[16]!;
        const off = Number(r[17]);
        if (!(off <= (out.topicOffsets[part] ?? -1))) out.topicOffsets[part] = off;
      }
    }
  } catch (err) {
    throw new DependencyError('clickhouse', `reading ${database}.${SALES_TABLE} failed: ${messageOf(err)}`, err);
  }
  close();
  return out;
}

/**
 * Waits until the materializer group has committed every `sales.weekly`
 * offset that existed when called, so a run never trains on a half-written
 * week. Gives up after `timeoutMs` (the caller logs it and trains on what is
 * there). A group that never committed is not waited for.
 */
export async function waitForMaterializer(admin: Admin, groupId: string, topic: string, timeoutMs: number): Promise<{ caughtUp: boolean; behind: number }> {
  const ends = await admin.fetchTopicOffsets(topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const done = new Map<number, bigint>();
    for (const t of committed) for (const p of t.partitions) if (Number(p.offset) >= 0) done.set(p.partition, BigInt(p.offset));
    if (done.size === 0) return { caughtUp: false, behind: -1 };
    let behind = 0n;
    for (const e of ends) {
      const c = done.get(e.partition) ?? BigInt(e.low);
      if (c < BigInt(e.high)) behind += BigInt(e.high) - c;
    }
    if (behind === 0n) return { caughtUp: true, behind: 0 };
    if (Date.now() > deadline) return { caughtUp: false, behind: Number(behind) };
    await new Promise((r) => setTimeout(r, 200));
  }
}
