/**
 * The registry projection's sink: decodes a batch from the three registry
 * topics, writes each event type to its table, and dead-letters what cannot
 * be decoded, all before the runner commits the batch's offsets.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro.js';
import { ident, insertRows } from '../../lib/clickhouse.js';
import type { Topics } from '../../lib/config.js';
import { AppError, messageOf } from '../../lib/errors.js';
import type { BatchSink, Delivery } from '../../lib/runner.js';
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../../schemas/types.js';
import { deadLetter } from '../dead-letter.js';
import { promotionRow, requestRow, runRow, type PromotionRow, type RequestRow, type RunRow } from './rows.js';
import { PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from './tables.js';

export interface RegistryBatch {
  requests: RequestRow[];
  runs: RunRow[];
  promotions: PromotionRow[];
  dead: { delivery: Delivery; reason: string }[];
}

/** Decodes and routes a batch; a registry outage is thrown (retriable, redelivered), unreadable bytes become dead letters. */
export async function projectRegistryBatch(codec: AvroCodec, topics: Readonly<Topics>, batch: Delivery[]): Promise<RegistryBatch> {
  const out: RegistryBatch = { requests: [], runs: [], promotions: [], dead: [] };
  for (const d of batch) {
    try {
      const { value } = await codec.decode(d.value);
      const at = { partition: d.partition, offset: d.offset };
      if (d.topic === topics.trainingRequests) out.requests.push(requestRow(value as TrainingRequested, at));
      else if (d.topic === topics.modelTrained) out.runs.push(runRow(value as ModelTrained, at));
      else if (d.topic === topics.modelPromoted) out.promotions.push(promotionRow(value as ModelPromoted, at));
      else throw new AppError('UNEXPECTED_TOPIC', `the registry projection does not read ${d.topic}`);
    } catch (err) {
      if (err instanceof AppError && err.retriable) throw err;
      out.dead.push({ delivery: d, reason: messageOf(err) });
    }
  }
  return out;
}

export interface RegistrySinkDeps {
  codec: AvroCodec;
  ch: ClickHouseClient;
  database: string;
  topics: Readonly<Topics>;
  producer: Producer;
  groupId: string;
  onProjected?: (b: RegistryBatch) => void;
}

/** The sink for lib/runner.ts: dead letters first (acked by all replicas), then the three inserts. */
export function registrySink(deps: RegistrySinkDeps): BatchSink {
  const db = ident(deps.database, 'database');
  return async (batch) => {
    const b = await projectRegistryBatch(deps.codec, deps.topics, batch);
    if (b.dead.length > 0) {
      await deps.producer.send({ topic: deps.topics.deadLetter, acks: -1, messages: b.dead.map((x) => deadLetter(x.delivery, x.reason, deps.groupId)) });
    }
    await insertRows(deps.ch, `${db}.${REQUESTS_TABLE}`, b.requests);
    await insertRows(deps.ch, `${db}.${RUNS_TABLE}`, b.runs);
    await insertRows(deps.ch, `${db}.${PROMOTIONS_TABLE}`, b.promotions);
    deps.onProjected?.(b);
  };
}
