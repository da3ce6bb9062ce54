/**
 * Reads the last few messages of every partition of a topic, once, without
 * committing anything: how a producer learns where the log stands (e.g. the
 * latest week of sales) with nothing but Kafka and the schema registry.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { AvroCodec, TypedContract } from '../avro/codec.js';
import { DependencyError, messageOf } from '../errors.js';
import type { Logger } from '../log.js';

export interface TopicEndOptions<T> {
  kafka: Kafka;
  codec: AvroCodec;
  topic: string;
  /** The topic's contract: each value is decoded and validated with it. */
  contract: TypedContract<T>;
  /** Messages to read from the end of each partition (default 1). */
  perPartition?: number;
  /** Default 30 s. */
  timeoutMs?: number;
  log: Logger;
}

/** The decoded values of the last `perPartition` messages of each partition; unreadable ones are skipped (logged). Empty topic: []. */
export async function readTopicEnd<T>(opts: TopicEndOptions<T>): Promise<T[]> {
  const per = BigInt(Math.max(1, Math.floor(opts.perPartition ?? 1)));
  const admin = opts.kafka.admin();
  await admin.connect();
  const groupId = `topic-end-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    const wanted = new Map<number, { from: bigint; high: bigint }>();
    for (const p of await admin.fetchTopicOffsets(opts.topic)) {
      const low = BigInt(p.low);
      const high = BigInt(p.high);
      if (high > low) wanted.set(p.partition, { from: high - per > low ? high - per : low, high });
    }
    if (wanted.size === 0) return [];
    return await readRanges(opts, groupId, wanted);
  } catch (err) {
    if (err instanceof DependencyError) throw err;
    throw new DependencyError('kafka', `reading the end of ${opts.topic} failed: ${messageOf(err)}`, err);
  } finally {
    // the group held no offsets; leaving it would only clutter the broker's group list
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function readRanges<T>(opts: TopicEndOptions<T>, groupId: string, wanted: Map<number, { from: bigint; high: bigint }>): Promise<T[]> {
  const consumer = opts.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const values: T[] = [];
  const done = new Set<number>();
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const range = wanted.get(partition);
        const offset = BigInt(message.offset);
        if (!range || done.has(partition) || offset < range.from) return; // before the seek took effect
        try {
          values.push(await opts.codec.decode(opts.contract, message.value));
        } catch (err) {
          opts.log.warn(`skipping ${opts.topic}/${partition}@${message.offset}: ${messageOf(err)}`);
        }
        if (offset + 1n >= range.high) done.add(partition);
        if (done.size === wanted.size) finish();
      },
    });
    for (const [partition, { from }] of wanted) consumer.seek({ topic: opts.topic, partition, offset: String(from) });
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DependencyError('kafka', `the end of ${opts.topic} was not read within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    return values;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
