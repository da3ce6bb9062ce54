/**
 * The dead-letter topic kept in memory for an open read endpoint: one
 * consumer follows it for the life of the process (started on first use),
 * so a request costs an end-offset lookup and the letters written since the
 * last one, never a group join and a read from the beginning. Concurrent
 * callers share one refresh (single flight), and the fold keeps at most
 * `maxMessages` messages and `maxBytes` of original bytes (the oldest go
 * first, still counted in `total`), so neither many callers nor a long log
 * can make one request expensive.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { foldDeadLetter, type DeadMessage } from './dead-letter-log.js';
import { DependencyError, messageOf } from '../errors.js';

export interface DeadLetterTailOptions {
  kafka: Kafka;
  topic: string;
  /** Group id prefix; a unique suffix is added and the group deleted on close. */
  name: string;
  /** Messages kept (default 10,000); older ones are dropped from the view, not from the topic. */
  maxMessages?: number;
  /** Original bytes kept, summed over the messages (default 64 MiB). */
  maxBytes?: number;
}

/** A snapshot of the followed topic, oldest first. */
export interface DeadLetterSnapshot {
  /** Messages seen since the start (kept or dropped by the bounds). */
  total: number;
  /** The kept messages, oldest first (the order of their first letter on the topic). */
  messages: readonly DeadMessage[];
}

export interface DeadLetterTail {
  /** Everything written before the call, folded; concurrent calls share one refresh. Default timeout 30 s. */
  read(timeoutMs?: number): Promise<DeadLetterSnapshot>;
  /** Refreshes done so far (each one end-offset lookup); what a test counts to see callers share them. */
  readonly refreshes: number;
  close(): Promise<void>;
}

/** A lazily started follower of a dead-letter topic; nothing connects before the first read. */
export function deadLetterTail(opts: DeadLetterTailOptions): DeadLetterTail {
  const maxMessages = opts.maxMessages ?? 10_000;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const byId = new Map<string, DeadMessage>();
  let total = 0;
  let bytes = 0;
  const next = new Map<number, bigint>(); // partition -> next offset folded
  let started: Promise<{ admin: Admin; consumer: Consumer; groupId: string }> | null = null;
  let inFlight: Promise<DeadLetterSnapshot> | null = null;
  let refreshes = 0;
  let closed = false;

  const evict = () => {
    for (const [id, m] of byId) {
      if (byId.size <= maxMessages && bytes <= maxBytes) break;
      byId.delete(id);
      bytes -= m.value?.length ?? 0;
    }
  };

  const start = async () => {
    const groupId = `${opts.name}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const admin = opts.kafka.admin();
    const consumer = opts.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 10 } });
    try {
      await admin.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          // a copy: kafkajs hands out slices of the whole fetch buffer, which a kept slice would pin
          const value = message.value ? Buffer.from(message.value) : null;
          const known = byId.size;
          const m = foldDeadLetter(byId, { ...message, value });
          if (m && byId.size > known) {
            total += 1;
            bytes += value?.length ?? 0;
            evict();
          }
          next.set(partition, BigInt(message.offset) + 1n);
        },
      });
    } catch (err) {
      await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
      throw new DependencyError('kafka', `following ${opts.topic} failed: ${messageOf(err)}`, err);
    }
    // a consumer that gives up (not one kafkajs restarts) leaves the view stale: the next read starts afresh
    consumer.on(consumer.events.CRASH, (e) => {
      if (e.payload.restart || closed) return;
      started = null;
      byId.clear();
      next.clear();
      total = 0;
      bytes = 0;
      void Promise.allSettled([consumer.disconnect(), admin.deleteGroups([groupId]).finally(() => admin.disconnect())]);
    });
    return { admin, consumer, groupId };
  };

  const refresh = async (timeoutMs: number): Promise<DeadLetterSnapshot> => {
    started ??= start().catch((err: unknown) => {
      started = null;
      throw err;
    });
    const { admin } = await started;
    refreshes += 1;
    let ends;
    try {
      ends = (await admin.fetchTopicOffsets(opts.topic)).filter((p) => BigInt(p.high) > BigInt(p.low));
    } catch (err) {
      throw new DependencyError('kafka', `reading the end of ${opts.topic} failed: ${messageOf(err)}`, err);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = ends.filter((p) => (next.get(p.partition) ?? BigInt(p.low)) < BigInt(p.high));
      if (behind.length === 0) break;
      if (closed) throw new DependencyError('kafka', `the ${opts.topic} reader was closed`, undefined, false);
      if (Date.now() > deadline) throw new DependencyError('kafka', `${opts.topic} was not read to its end within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return { total, messages: [...byId.values()] };
  };

  return {
    read(timeoutMs = 30_000) {
      inFlight ??= refresh(timeoutMs).finally(() => (inFlight = null));
      return inFlight;
    },
    get refreshes() {
      return refreshes;
    },
    async close() {
      if (closed) return;
      closed = true;
      const s = await started?.catch(() => null);
      if (!s) return;
      await s.consumer.disconnect().catch(() => undefined);
      // the group held no offsets; leaving it would only clutter the broker's group list
      await s.admin.deleteGroups([s.groupId]).catch(() => undefined);
      await s.admin.disconnect().catch(() => undefined);
    },
  };
}
