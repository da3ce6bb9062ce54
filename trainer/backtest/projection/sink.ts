/**
 * The backtest projection's sink: decodes a batch from the two backtest
 * topics, writes each event type to its table and dead-letters what cannot
 * be decoded, all before the runner commits the batch's offsets.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import type { AvroCodec } from '../../../lib/avro.js';
import { ident, insertRows } from '../../../lib/clickhouse.js';
import type { Topics } from '../../../lib/config.js';
import { AppError, messageOf } from '../../../lib/errors.js';
import type { BatchSink, Delivery } from '../../../lib/runner.js';
import type { BacktestFinished, BacktestRequested } from '../../../schemas/types.js';
import { deadLetter } from '../../../consumers/dead-letter.js';
import { requestRow, resultRow, type RequestRow, type ResultRow } from './rows.js';
import { BACKTEST_REQUESTS_TABLE, BACKTEST_RESULTS_TABLE } from './tables.js';

export interface BacktestBatch {
  requests: RequestRow[];
  results: ResultRow[];
  dead: { delivery: Delivery; reason: string }[];
}

/** Decodes and routes a batch; a registry outage is thrown (retriable, redelivered), unreadable bytes become dead letters. */
export async function projectBacktestBatch(codec: AvroCodec, topics: Readonly<Topics>, batch: Delivery[]): Promise<BacktestBatch> {
  const out: BacktestBatch = { requests: [], results: [], dead: [] };
  for (const d of batch) {
    try {
      const { value } = await codec.decode(d.value);
      const at = { partition: d.partition, offset: d.offset };
      if (d.topic === topics.backtestRequests) out.requests.push(requestRow(value as BacktestRequested, at));
      else if (d.topic === topics.backtestResults) out.results.push(resultRow(value as BacktestFinished, at));
      else throw new AppError('UNEXPECTED_TOPIC', `the backtest projection does not read ${d.topic}`);
    } catch (err) {
      if (err instanceof AppError && err.retriable) throw err;
      out.dead.push({ delivery: d, reason: messageOf(err) });
    }
  }
  return out;
}

export interface BacktestSinkDeps {
  codec: AvroCodec;
  ch: ClickHouseClient;
  database: string;
  topics: Readonly<Topics>;
  producer: Producer;
  groupId: string;
  onProjected?: (b: BacktestBatch) => void;
}

/** The sink for lib/runner.ts: dead letters first (acked by all replicas), then the two inserts. */
export function backtestSink(deps: BacktestSinkDeps): BatchSink {
  const db = ident(deps.database, 'database');
  return async (batch) => {
    const b = await projectBacktestBatch(deps.codec, deps.topics, batch);
    if (b.dead.length > 0) {
      await deps.producer.send({ topic: deps.topics.deadLetter, acks: -1, messages: b.dead.map((x) => deadLetter(x.delivery, x.reason, deps.groupId)) });
    }
    await insertRows(deps.ch, `${db}.${BACKTEST_REQUESTS_TABLE}`, b.requests);
    await insertRows(deps.ch, `${db}.${BACKTEST_RESULTS_TABLE}`, b.results);
    deps.onProjected?.(b);
  };
}
