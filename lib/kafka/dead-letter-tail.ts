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
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
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

/** The fold of the followed topic, bounded by messages and original bytes: the oldest go first, still counted in `total`. */
class BoundedFold {
  private readonly byId = new Map<string, DeadMessage>();
  private total = 0;
  private bytes = 0;
  /** partition -> next offset folded */
  readonly next = new Map<number, bigint>();

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  add(partition: number, message: KafkaMessage): void {
    // a copy: kafkajs hands out slices of the whole fetch buffer, which a kept slice would pin
    const value = message.value ? Buffer.from(message.value) : null;
    const known = this.byId.size;
    const m = foldDeadLetter(this.byId, { ...message, value });
    if (m && this.byId.size > known) {
      this.total += 1;
      this.bytes += value?.length ?? 0;
      this.evict();
    }
    this.next.set(partition, BigInt(message.offset) + 1n);
  }

  clear(): void {
    this.byId.clear();
    this.next.clear();
    this.total = 0;
    this.bytes = 0;
  }

  snapshot(): DeadLetterSnapshot {
    return { total: this.total, messages: [...this.byId.values()] };
  }

  private evict(): void {
    for (const [id, m] of this.byId) {
      if (this.byId.size <= this.maxMessages && this.bytes <= this.maxBytes) break;
      this.byId.delete(id);
      this.bytes -= m.value?.length ?? 0;
    }
  }
}

interface Following {
  admin: Admin;
  consumer: Consumer;
  groupId: string;
}

/**
 * Joins a group of its own, reads the topic from the beginning into `fold`
 * and keeps following it. When the consumer gives up (a crash kafkajs does
 * not restart), `gaveUp` is asked whether to let go (false once closed);
 * if so the consumer and its group go, and the next read starts afresh.
 */
async function follow(opts: DeadLetterTailOptions, fold: BoundedFold, gaveUp: () => boolean): Promise<Following> {
  const groupId = `${opts.name}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const admin = opts.kafka.admin();
  const consumer = opts.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 10 } });
  try {
    await admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => fold.add(partition, message) });
  } catch (err) {
    await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
    throw new DependencyError('kafka', `following ${opts.topic} failed: ${messageOf(err)}`, err);
  }
  // a consumer that gives up (not one kafkajs restarts) leaves the view stale: the next read starts afresh
  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart || !gaveUp()) return;
    void Promise.allSettled([consumer.disconnect(), admin.deleteGroups([groupId]).finally(() => admin.disconnect())]);
  });
  return { admin, consumer, groupId };
}

/** A lazily started follower of a dead-letter topic; nothing connects before the first read. */
export function deadLetterTail(opts: DeadLetterTailOptions): DeadLetterTail {
  const fold = new BoundedFold(opts.maxMessages ?? 10_000, opts.maxBytes ?? 64 * 1024 * 1024);
  const { next } = fold;
  let started: Promise<Following> | null = null;
  let inFlight: Promise<DeadLetterSnapshot> | null = null;
  let refreshes = 0;
  let closed = false;

  const start = () =>
    follow(opts, fold, () => {
      if (closed) return false;
      started = null;
      fold.clear();
      return true;
    });

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
    return fold.snapshot();
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
