import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows } from '../../lib/clickhouse.js';
import { weeksBetween } from '../../lib/weeks.js';
import { SALES_TABLE } from '../sales/table.js';
import { generateWeek, type GeneratorOptions } from './generator.js';
import type { SalesProducer } from '../sales/producer.js';

/** The latest week in the sales projection (ISO date), or null when it is empty. */
export async function latestWeek(ch: ClickHouseClient, database: string): Promise<string | null> {
  const r = await rows<{ w: string; n: string }>(ch, `SELECT toString(max(week)) AS w, count() AS n FROM ${ident(database, 'database')}.${SALES_TABLE}`);
  const first = r[0];
  return first && Number(first.n) > 0 ? first.w : null;
}

/**
 * The "next week" step: one more week for every series, right after the
 * latest week the projection holds (week 0 of the simulator when empty).
 * The dashboard's inject button calls this same function.
 */
export async function injectNextWeek(deps: {
  producer: SalesProducer;
  ch: ClickHouseClient;
  database: string;
  sim: GeneratorOptions & { startWeek: string };
  source?: string;
}): Promise<{ week: string; events: number }> {
  const latest = await latestWeek(deps.ch, deps.database);
  const index = latest === null ? 0 : weeksBetween(deps.sim.startWeek, latest) + 1;
  const events = generateWeek({ ...deps.sim, source: deps.source ?? 'next-week', producedAt: Date.now() }, index);
  await deps.producer.send(events);
  const week = events[0]?.week ?? latest ?? deps.sim.startWeek;
  return { week, events: events.length };
}
