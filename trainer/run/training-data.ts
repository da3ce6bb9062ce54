/**
 * The trainer's input: every series' rows from the sales projection up to the
 * cut-off, read with FINAL (the projection is a ReplacingMergeTree; FINAL
 * hides unmerged duplicates of re-sent weeks), grouped into the shared
 * feature module's SeriesHistory. Also says which `sales.weekly` offsets the
 * data covers, so a model record can name exactly what it learned from.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { dateLit, ident } from '../../lib/clickhouse/client.js';
import { DependencyError, messageOf } from '../../lib/errors.js';
import { SALES_COLUMN_NAMES, SALES_TABLE } from '../../domain/sales/table.js';
import { SeriesHistory, type HistoryRow } from '../../domain/features/features.js';

export interface TrainingData {
  /** Keyed `store:dept`. */
  series: Map<string, SeriesHistory>;
  rows: number;
  /** Latest week read (ISO), null when nothing was. */
  maxWeek: string | null;
  /** Partition -> highest `sales.weekly` offset among the rows read. */
  topicOffsets: Record<string, number>;
}

/** Column positions of the SELECT, which lists the projection's columns in table order. */
const AT = Object.fromEntries(SALES_COLUMN_NAMES.map((n, i) => [n, i])) as Record<string, number>;

/** A TabSeparated field as a number; `\\N` (NULL) becomes null. */
const num = (f: string | undefined): number | null => (f === undefined || f === '\\N' ? null : Number(f));

/** Reads every row with week <= cutoff (all rows when null), streamed, in (store, dept, week) order. */
export async function loadTrainingData(ch: ClickHouseClient, database: string, cutoffWeek: string | null): Promise<TrainingData> {
  const where = cutoffWeek === null ? '' : `WHERE week <= ${dateLit(cutoffWeek, 'cutoffWeek')}`;
  const query = `SELECT ${SALES_COLUMN_NAMES.join(', ')} FROM ${ident(database, 'database')}.${SALES_TABLE} FINAL ${where} ORDER BY store, dept, week`;
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
        const f = (name: string) => r[AT[name]!];
        const store = Number(f('store'));
        const dept = Number(f('dept'));
        const week = f('week')!;
        if (!current || current.store !== store || current.dept !== dept) {
          close();
          current = { store, dept, rows: [] };
        }
        current.rows.push({
          week,
          sales: num(f('weekly_sales')),
          isHoliday: f('is_holiday') === '1',
          temperature: num(f('temperature')),
          fuelPrice: num(f('fuel_price')),
          markdown1: num(f('markdown1')),
          markdown2: num(f('markdown2')),
          markdown3: num(f('markdown3')),
          markdown4: num(f('markdown4')),
          markdown5: num(f('markdown5')),
          cpi: num(f('cpi')),
          unemployment: num(f('unemployment')),
          // the projection stores "unknown" as '' and 0 (no Nullable for these columns)
          storeType: f('store_type') || null,
          storeSize: num(f('store_size')) || null,
        });
        out.rows++;
        if (out.maxWeek === null || week > out.maxWeek) out.maxWeek = week;
        const part = f('kafka_partition')!;
        const off = Number(f('kafka_offset'));
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
