/**
 * The simulator's "next week" step, from the log alone: producers need only
 * Kafka and the schema registry, never a projection (ARCHITECTURE.md).
 */
import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../../lib/avro/codec.js';
import type { Logger } from '../../../lib/log.js';
import { readTopicEnd } from '../../../lib/kafka/topic-end.js';
import { weeksBetween } from '../../../lib/weeks.js';
import { SALES_WEEK } from '../../contracts.js';
import { generateWeek, type GeneratorOptions } from '../generator.js';
import type { SalesProducer } from '../../sales/io/producer.js';

/**
 * The latest week in the sales log (ISO date), or null when it is empty:
 * the max week among the last `perPartition` events (default 64) of each
 * partition. A series stays in one partition and its weeks are produced in
 * order, so a partition's newest week is at its end; the window absorbs a
 * few corrections of older weeks sent after it.
 */
export async function latestLoggedWeek(deps: { kafka: Kafka; codec: AvroCodec; topic: string; log: Logger; perPartition?: number }): Promise<string | null> {
  const values = await readTopicEnd({ kafka: deps.kafka, codec: deps.codec, topic: deps.topic, contract: SALES_WEEK, perPartition: deps.perPartition ?? 64, log: deps.log });
  let latest: string | null = null;
  for (const v of values) if (latest === null || v.week > latest) latest = v.week;
  return latest;
}

/** The simulator's week index right after `latest` (0 when there is none yet). */
export function nextWeekIndex(startWeek: string, latest: string | null): number {
  return latest === null ? 0 : weeksBetween(startWeek, latest) + 1;
}

/**
 * The "next week" step: one more week for every series, right after the
 * latest week the caller knows (the CLI reads it from the log's end, the
 * gateway from its online state). The dashboard's inject button calls this
 * same function.
 */
export async function injectNextWeek(deps: {
  producer: SalesProducer;
  latestWeek: () => Promise<string | null>;
  sim: GeneratorOptions & { startWeek: string };
  source?: string;
}): Promise<{ week: string; events: number }> {
  const latest = await deps.latestWeek();
  const events = generateWeek({ ...deps.sim, source: deps.source ?? 'next-week', producedAt: Date.now() }, nextWeekIndex(deps.sim.startWeek, latest));
  await deps.producer.send(events);
  const week = events[0]?.week ?? latest ?? deps.sim.startWeek;
  return { week, events: events.length };
}
