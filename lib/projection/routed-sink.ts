import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import { UNKNOWN_SCHEMA, type AvroCodec, type TypedContract } from '../avro/codec.js';
import { ident, insertRowBinary, insertRows, RowsRefusedError } from '../clickhouse/client.js';
import { rowBinaryEncoder, RowBinaryValueError, type BinaryColumn } from '../clickhouse/row-binary.js';
import { messageOf } from '../errors.js';
import { isRefusedInput } from './handler-sink.js';
import type { BatchSink, Delivery } from '../kafka/delivery.js';
import { deadLetter } from '../kafka/dead-letter.js';

/** Where a delivery sits in its partition (projections keep it to order rewrites). */
export interface LogPosition {
  partition: number;
  offset: string;
}

/** Writes a batch of rows into a table (already a checked `db.table`); throws RowsRefusedError when the data is refused. */
type InsertFn = (ch: ClickHouseClient, table: string, rows: readonly object[]) => Promise<void>;

/** One topic of a projection: the table its events go to, and how its bytes become a row (decoded and validated by the topic's contract). */
export interface Route {
  topic: string;
  table: string;
  /** The row of a message, or its rows when one event holds several (a forecast per horizon); a promise only when the writer schema must be fetched first. */
  rowOf(codec: AvroCodec, bytes: Buffer | null, at: LogPosition): object | object[] | Promise<object | object[]>;
  /** How its rows are inserted: RowBinary when the route declares its columns, JSONEachRow otherwise. */
  insert: InsertFn;
}

/**
 * A route for `topic`: every message is decoded with `contract` (its
 * validator included), then mapped by `toRow`. With `columns` (the table's
 * column descriptor) rows are inserted as RowBinary, several times cheaper
 * than JSON on both sides for a high-volume table; a value that does not fit
 * its column is refused like data the table refuses.
 */
export function route<T>(topic: string, table: string, contract: TypedContract<T>, toRow: (value: T, at: LogPosition) => object, columns?: readonly BinaryColumn[]): Route {
  return { topic, table, rowOf: rowReader(contract, toRow), insert: columns ? rowBinaryInsert(columns) : insertRows };
}

/** Decodes and maps without a promise when the writer schema is cached (every message but the first of a schema). */
function rowReader<T, R>(contract: TypedContract<T>, toRow: (value: T, at: LogPosition) => R): (codec: AvroCodec, bytes: Buffer | null, at: LogPosition) => R | Promise<R> {
  return (codec, bytes, at) => {
    const v = codec.decodeIfKnown(contract, bytes);
    return v === UNKNOWN_SCHEMA ? codec.decode(contract, bytes).then((x) => toRow(x, at)) : toRow(v, at);
  };
}

function rowBinaryInsert(columns: readonly BinaryColumn[]): InsertFn {
  const encode = rowBinaryEncoder(columns);
  const names = columns.map((c) => c.name);
  return async (ch, table, rows) => {
    let body: Buffer;
    try {
      body = encode(rows);
    } catch (err) {
      if (err instanceof RowBinaryValueError) throw new RowsRefusedError(table, err.message, err);
      throw err;
    }
    await insertRowBinary(ch, table, names, body);
  };
}

/** A route whose every message becomes several rows of its table (all of them or, when the contract refuses it, none). */
export function routeEach<T>(topic: string, table: string, contract: TypedContract<T>, toRows: (value: T, at: LogPosition) => object[]): Route {
  return { topic, table, rowOf: rowReader(contract, toRows), insert: insertRows };
}

/** A batch after routing: rows per table (in route order, each with the delivery it came from) and what could not be read. */
export interface RoutedBatch {
  rows: Map<string, object[]>;
  dead: { delivery: Delivery; reason: string }[];
}

interface Routed {
  rows: Map<string, { row: object; delivery: Delivery }[]>;
  dead: { delivery: Delivery; reason: string }[];
}

/**
 * Decodes each delivery and maps it to its route's row. A registry outage
 * (retriable) is thrown so the runner redelivers the batch; bytes or values
 * that can never be read become dead letters with their reason.
 */
async function routeBatch(codec: AvroCodec, routes: readonly Route[], batch: Delivery[]): Promise<Routed> {
  const byTopic = new Map(routes.map((r) => [r.topic, r]));
  const out: Routed = { rows: new Map(routes.map((r) => [r.table, []])), dead: [] };
  for (const d of batch) {
    const r = byTopic.get(d.topic);
    if (!r) throw new Error(`no projection route reads ${d.topic}`);
    try {
      // the delivery is its own log position (partition, offset): no object per message
      const read = r.rowOf(codec, d.value, d);
      const row = read instanceof Promise ? await read : read;
      const into = out.rows.get(r.table)!;
      if (Array.isArray(row)) for (const x of row as object[]) into.push({ row: x, delivery: d });
      else into.push({ row, delivery: d });
    } catch (err) {
      // refused by the contract: a dead letter; an outage or a bug: thrown (the one crash policy, handler-sink.ts)
      if (!isRefusedInput(err)) throw err;
      out.dead.push({ delivery: d, reason: messageOf(err) });
    }
  }
  return out;
}

/**
 * Inserts rows; when the table refuses some of them, halves the batch until
 * the refused rows stand alone, inserts the rest, and returns the refused
 * ones with the table's reason (each becomes a dead letter).
 */
async function insertOrIsolate(ch: ClickHouseClient, table: string, items: { row: object; delivery: Delivery }[], insert: InsertFn, rows = items.map((x) => x.row)): Promise<{ delivery: Delivery; reason: string }[]> {
  if (items.length === 0) return [];
  try {
    await insert(ch, table, rows);
    return [];
  } catch (err) {
    if (!(err instanceof RowsRefusedError)) throw err;
    if (items.length === 1) return [{ delivery: items[0]!.delivery, reason: err.message }];
    const mid = Math.ceil(items.length / 2);
    return [...(await insertOrIsolate(ch, table, items.slice(0, mid), insert)), ...(await insertOrIsolate(ch, table, items.slice(mid), insert))];
  }
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

/**
 * The sink for lib/kafka/runner.ts: one insert per table, then the dead letters
 * (acked by all replicas), and only then does the runner commit. Inserting
 * first means a retried batch never re-sends its dead letters before the
 * rows went in; a retry after the dead letters were sent re-inserts
 * identical rows, which the projections absorb.
 */
export function routedSink(deps: RoutedSinkDeps): BatchSink {
  const db = ident(deps.database, 'database');
  const inserts = new Map(deps.routes.map((r) => [r.table, r.insert]));
  return async (batch) => {
    const b = await routeBatch(deps.codec, deps.routes, batch);
    const dead = [...b.dead];
    const rows = new Map<string, object[]>();
    for (const [table, items] of b.rows) {
      const tableRows = items.map((x) => x.row);
      const refused = await insertOrIsolate(deps.ch, `${db}.${table}`, items, inserts.get(table) ?? insertRows, tableRows);
      dead.push(...refused);
      // the rows that went in: all of them, unless the table refused some
      const out = new Set(refused.map((x) => x.delivery));
      rows.set(table, refused.length === 0 ? tableRows : items.filter((x) => !out.has(x.delivery)).map((x) => x.row));
    }
    if (dead.length > 0) {
      await deps.producer.send({ topic: deps.deadLetterTopic, acks: -1, messages: dead.map((x) => deadLetter(x.delivery, x.reason, deps.groupId)) });
    }
    deps.onProjected?.({ rows, dead });
  };
}
