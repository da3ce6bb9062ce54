import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import { AvroCodec } from '../../lib/avro.js';
import { insertRows, ident } from '../../lib/clickhouse.js';
import { AppError, messageOf } from '../../lib/errors.js';
import type { BatchSink, Delivery } from '../../lib/runner.js';
import type { SalesWeek } from '../../schemas/types.js';
import { deadLetter } from '../../lib/dead-letter.js';
import { SALES_TABLE, salesRow } from '../../domain/sales/table.js';
import { validateSalesWeek } from '../../domain/sales/validate.js';

/** What one batch became: rows for ClickHouse and letters for the dead-letter topic. */
export interface Projected {
  rows: Record<string, unknown>[];
  dead: { delivery: Delivery; reason: string }[];
  /** the latest week seen in the batch (ISO), or null */
  maxWeek: string | null;
}

/**
 * Decodes and validates a batch. Pure but for schema look-ups on unknown ids:
 * a registry outage is thrown (retriable, the batch is redelivered), while a
 * message that can never be read becomes a dead letter with its reason.
 */
export async function projectBatch(codec: AvroCodec, batch: Delivery[]): Promise<Projected> {
  const out: Projected = { rows: [], dead: [], maxWeek: null };
  for (const d of batch) {
    try {
      const { value } = await codec.decode(d.value);
      const e = validateSalesWeek(value as SalesWeek);
      out.rows.push(salesRow(e, d.partition, Number(d.offset)));
      if (out.maxWeek === null || e.week > out.maxWeek) out.maxWeek = e.week;
    } catch (err) {
      if (err instanceof AppError && err.retriable) throw err;
      out.dead.push({ delivery: d, reason: messageOf(err) });
    }
  }
  return out;
}

export interface SalesSinkDeps {
  codec: AvroCodec;
  ch: ClickHouseClient;
  database: string;
  producer: Producer;
  deadLetterTopic: string;
  groupId: string;
  onProjected?: (p: Projected) => void;
}

/**
 * The materializer's sink: dead letters are produced (acks from all replicas)
 * and the good rows inserted before the runner commits the batch's offsets.
 */
export function salesSink(deps: SalesSinkDeps): BatchSink {
  const table = `${ident(deps.database, 'database')}.${SALES_TABLE}`;
  return async (batch) => {
    const p = await projectBatch(deps.codec, batch);
    if (p.dead.length > 0) {
      await deps.producer.send({
        topic: deps.deadLetterTopic,
        acks: -1,
        messages: p.dead.map((x) => deadLetter(x.delivery, x.reason, deps.groupId)),
      });
    }
    await insertRows(deps.ch, table, p.rows);
    deps.onProjected?.(p);
  };
}
