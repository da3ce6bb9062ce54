import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import type { AvroCodec, TypedContract } from './avro.js';
import { ident, insertRows } from './clickhouse.js';
import { AppError, messageOf } from './errors.js';
import type { BatchSink, Delivery } from './runner.js';
import { deadLetter } from './dead-letter.js';

/** Where a delivery sits in its partition (projections keep it to order rewrites). */
export interface LogPosition {
  partition: number;
  offset: string;
}

/** One topic of a projection: the table its events go to, and how its bytes become a row (decoded and validated by the topic's contract). */
export interface Route {
  topic: string;
  table: string;
  rowOf(codec: AvroCodec, bytes: Buffer | null, at: LogPosition): Promise<object>;
}

/** A route for `topic`: every message is decoded with `contract` (its validator included), then mapped by `toRow`. */
export function route<T>(topic: string, table: string, contract: TypedContract<T>, toRow: (value: T, at: LogPosition) => object): Route {
  return { topic, table, rowOf: async (codec, bytes, at) => toRow(await codec.decode(contract, bytes), at) };
}

/** A batch after routing: rows per table (in route order) and what could not be read. */
export interface RoutedBatch {
  rows: Map<string, object[]>;
  dead: { delivery: Delivery; reason: string }[];
}

/**
 * Decodes each delivery and maps it to its route's row. A registry outage
 * (retriable) is thrown so the runner redelivers the batch; bytes or values
 * that can never be read become dead letters with their reason.
 */
export async function routeBatch(codec: AvroCodec, routes: readonly Route[], batch: Delivery[]): Promise<RoutedBatch> {
  const byTopic = new Map(routes.map((r) => [r.topic, r]));
  const out: RoutedBatch = { rows: new Map(routes.map((r) => [r.table, []])), dead: [] };
  for (const d of batch) {
    try {
      const r = byTopic.get(d.topic);
      if (!r) throw new AppError('UNEXPECTED_TOPIC', `no projection route reads ${d.topic}`);
      out.rows.get(r.table)!.push(await r.rowOf(codec, d.value, { partition: d.partition, offset: d.offset }));
    } catch (err) {
      if (err instanceof AppError && err.retriable) throw err;
      out.dead.push({ delivery: d, reason: messageOf(err) });
    }
  }
  return out;
}

export interface RoutedSinkDeps {
  codec: AvroCodec;
  ch: ClickHouseClient;
  database: string;
  routes: readonly Route[];
  producer: Producer;
  deadLetterTopic: string;
  groupId: string;
  onProjected?: (b: RoutedBatch) => void;
}

/** The sink for lib/runner.ts: dead letters first (acked by all replicas), then one insert per table. */
export function routedSink(deps: RoutedSinkDeps): BatchSink {
  const db = ident(deps.database, 'database');
  return async (batch) => {
    const b = await routeBatch(deps.codec, deps.routes, batch);
    if (b.dead.length > 0) {
      await deps.producer.send({ topic: deps.deadLetterTopic, acks: -1, messages: b.dead.map((x) => deadLetter(x.delivery, x.reason, deps.groupId)) });
    }
    for (const [table, rows] of b.rows) await insertRows(deps.ch, `${db}.${table}`, rows);
    deps.onProjected?.(b);
  };
}
