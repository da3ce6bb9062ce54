import { channel } from 'node:diagnostics_channel';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isRetriable, messageOf } from './errors.js';
import type { Logger } from './log.js';

/** One consumed message as a handler sees it: bytes plus where it came from. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, string>;
}

/**
 * Writes a buffered batch and resolves only when every write it covers has
 * succeeded; the runner commits the offsets after that, never before.
 */
export type BatchSink = (batch: Delivery[]) => Promise<void>;

export interface RunnerStats {
  group: string;
  /** messages flushed since start */
  messages: number;
  flushes: number;
  lastFlushMs: number;
  lastFlushSize: number;
  /** messages per second over the last flush window */
  rate: number;
}

export interface RunnerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** flush when this many messages are buffered (default 50,000) */
  flushRows?: number;
  /** flush when the oldest buffered message is this old, in ms (default 500) */
  flushMs?: number;
  sink: BatchSink;
  log: Logger;
  /** diagnostics channel name for stats (default `forecast:consumer:<group>`) */
  statsChannel?: string;
}

export interface RunningConsumer {
  consumer: Consumer;
  stats(): RunnerStats;
  /** Flushes what is buffered, commits, and leaves the group. */
  stop(): Promise<void>;
  /** Resolves when the consumer stops for good (crash that is not retriable, or stop()). */
  done: Promise<void>;
}

/**
 * The thin runner that owns connect, subscribe, batching, commit and crash
 * policy; the sink is the only part that knows about a projection. Messages
 * from kafkajs batches accumulate until `flushRows` or `flushMs`, then the
 * sink writes them and the runner commits next offsets per partition. A crash
 * before the commit means redelivery, which idempotent sinks absorb.
 */
export async function runBuffered(opts: RunnerOptions): Promise<RunningConsumer> {
  const flushRows = opts.flushRows ?? 50_000;
  const flushMs = opts.flushMs ?? 500;
  const stats: RunnerStats = { group: opts.groupId, messages: 0, flushes: 0, lastFlushMs: 0, lastFlushSize: 0, rate: 0 };
  const diag = channel(opts.statsChannel ?? `forecast:consumer:${opts.groupId}`);
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
    maxWaitTimeInMs: Math.min(flushMs, 500),
    // a killed member is noticed in seconds, so its partitions move on quickly
    sessionTimeout: 10_000,
    heartbeatInterval: 2_000,
    retry: { retries: 10 },
  });
  let buffer: Delivery[] = [];
  let oldest = 0;
  let lastFlushAt = Date.now();
  let flushing: Promise<void> = Promise.resolve();
  let stopped = false;

  let failures = 0;
  let resolveDone!: () => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });

  const writeAndCommit = async (batch: Delivery[]) => {
    const t0 = Date.now();
    await opts.sink(batch);
    await consumer.commitOffsets([...nextOffsets(batch).values()]);
    const now = Date.now();
    stats.messages += batch.length;
    stats.flushes += 1;
    stats.lastFlushMs = now - t0;
    stats.lastFlushSize = batch.length;
    stats.rate = (batch.length * 1000) / Math.max(1, now - lastFlushAt);
    lastFlushAt = now;
    if (diag.hasSubscribers) diag.publish({ ...stats });
    opts.log.debug('flushed', { rows: batch.length, ms: stats.lastFlushMs });
  };

  // A failed write drops the uncommitted buffer and rewinds each partition to
  // its first uncommitted offset, so Kafka redelivers it: nothing is lost, and
  // the idempotent sink absorbs what was already written.
  const recover = async (batch: Delivery[], err: unknown) => {
    failures += 1;
    const retriable = isRetriable(err);
    opts.log.error(`write failed (${failures} in a row): ${messageOf(err)}`, { retriable, rows: batch.length });
    if (!retriable) {
      clearInterval(timer);
      stopped = true;
      rejectDone(err);
      // not awaited: this may run inside eachBatch, which disconnect() would wait for
      void consumer.disconnect().catch(() => undefined);
      return;
    }
    // what was buffered meanwhile lies after the failed batch: drop it too, or a
    // later commit of it could move the group past the messages that failed
    const dropped = buffer;
    buffer = [];
    for (const [, first] of firstOffsets([...batch, ...dropped])) consumer.seek(first);
    await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** Math.min(failures, 6))));
  };

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      try {
        await writeAndCommit(batch);
        failures = 0;
      } catch (err) {
        await recover(batch, err);
      }
    });
    return flushing;
  };

  const timer = setInterval(() => {
    if (!stopped && buffer.length > 0 && Date.now() - oldest >= flushMs) void flush();
  }, Math.max(20, Math.floor(flushMs / 4)));

  await consumer.connect();
  await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
  consumer.on(consumer.events.CRASH, (e) => {
    const restart = e.payload.restart;
    opts.log.error(`consumer crashed: ${messageOf(e.payload.error)}`, { restart });
    if (!restart) {
      clearInterval(timer);
      rejectDone(e.payload.error);
    }
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: true,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload) => {
      if (stopped) return;
      for (const m of batch.messages) {
        if (!isRunning() || isStale()) break;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = String(v);
        if (buffer.length === 0) oldest = Date.now();
        buffer.push({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString() : null,
          value: m.value,
          timestamp: m.timestamp,
          headers,
        });
      }
      // flush on size or age, or as soon as this partition is caught up, so a
      // steady trickle is visible quickly while a backfill still gets big inserts
      const caughtUp = batch.offsetLag() === '0';
      if (buffer.length >= flushRows || Date.now() - oldest >= flushMs || caughtUp) {
        await flush();
        await heartbeat();
      }
    },
  });

  return {
    consumer,
    stats: () => ({ ...stats }),
    done,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      try {
        await flush();
      } finally {
        await consumer.disconnect();
        resolveDone();
      }
    },
  };
}

/** Per topic-partition, the offset to commit after a batch: last offset + 1. */
function nextOffsets(batch: Delivery[]): Map<string, { topic: string; partition: number; offset: string }> {
  const out = new Map<string, { topic: string; partition: number; offset: string }>();
  for (const d of batch) {
    const k = `${d.topic}/${d.partition}`;
    const off = BigInt(d.offset) + 1n;
    const prev = out.get(k);
    if (!prev || off > BigInt(prev.offset)) out.set(k, { topic: d.topic, partition: d.partition, offset: off.toString() });
  }
  return out;
}

/** Per topic-partition, the first offset of a batch (where a rewind goes back to). */
function firstOffsets(batch: Delivery[]): Map<string, { topic: string; partition: number; offset: string }> {
  const out = new Map<string, { topic: string; partition: number; offset: string }>();
  for (const d of batch) {
    const k = `${d.topic}/${d.partition}`;
    const prev = out.get(k);
    if (!prev || BigInt(d.offset) < BigInt(prev.offset)) out.set(k, { topic: d.topic, partition: d.partition, offset: d.offset });
  }
  return out;
}
