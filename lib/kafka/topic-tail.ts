/**
 * Follows topics from their beginning without committing anything: how the
 * trainer rebuilds what it must know (the registry, the requests already
 * answered) straight from the log at start-up and keeps it current after.
 * `sync()` waits until everything written before the call has been seen,
 * which is what "read your own writes" needs before deciding on a version.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { AvroCodec, TypedContract } from '../avro/codec.js';
import { DependencyError, messageOf } from '../errors.js';
import type { Logger } from '../log.js';

/** Where a record sits in its topic. */
export interface TailPosition {
  partition: number;
  offset: string;
}

/** One followed topic: how its bytes are decoded (with the topic's contract) and handed on. */
export interface TailTopic {
  topic: string;
  handle(codec: AvroCodec, bytes: Buffer | null, where: TailPosition): Promise<void>;
}

/** Follows `topic` with `contract`; `onValue` gets each validated value in log order per partition. */
export function tailOf<T>(topic: string, contract: TypedContract<T>, onValue: (value: T, where: TailPosition) => void): TailTopic {
  return { topic, handle: async (codec, bytes, where) => onValue(await codec.decode(contract, bytes), where) };
}

export interface TailOptions {
  kafka: Kafka;
  codec: AvroCodec;
  topics: TailTopic[];
  log: Logger;
  /** Group id prefix; a unique suffix is added and the group is deleted on stop. */
  name: string;
}

export interface TopicTail {
  /** Resolves once every message written before the call has been handed to onValue; default timeout 30 s. */
  sync(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts following `topics` from the beginning. */
export async function startTail(opts: TailOptions): Promise<TopicTail> {
  const groupId = `${opts.name}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const admin: Admin = opts.kafka.admin();
  await admin.connect();
  const consumer: Consumer = opts.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 10 } });
  const seen = new Map<string, bigint>(); // topic/partition -> next offset
  const byTopic = new Map(opts.topics.map((t) => [t.topic, t]));
  const topics = opts.topics.map((t) => t.topic);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        try {
          await byTopic.get(topic)?.handle(opts.codec, message.value, { partition, offset: message.offset });
        } catch (err) {
          // an unreadable record cannot change what we know; the projector dead-letters it
          opts.log.warn(`skipping ${topic}/${partition}@${message.offset}: ${messageOf(err)}`);
        }
        seen.set(`${topic}/${partition}`, BigInt(message.offset) + 1n);
      },
    });
  } catch (err) {
    await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
    throw new DependencyError('kafka', `following ${topics.join(', ')} failed: ${messageOf(err)}`, err);
  }
  let stopped = false;
  return {
    async sync(timeoutMs = 30_000) {
      const ends = await Promise.all(topics.map(async (t) => ({ t, parts: await admin.fetchTopicOffsets(t) })));
      const deadline = Date.now() + timeoutMs;
      const behind = () =>
        ends.flatMap(({ t, parts }) =>
          parts.filter((p) => BigInt(p.high) > BigInt(p.low) && (seen.get(`${t}/${p.partition}`) ?? BigInt(p.low)) < BigInt(p.high)).map((p) => `${t}/${p.partition}`),
        );
      for (;;) {
        const left = behind();
        if (left.length === 0) return;
        if (stopped) throw new DependencyError('kafka', 'tail stopped before it caught up', undefined, false);
        if (Date.now() > deadline) throw new DependencyError('kafka', `not caught up with ${left.join(', ')} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await consumer.disconnect().catch(() => undefined);
      // the group held no offsets; leaving it would only clutter the broker's group list
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}
