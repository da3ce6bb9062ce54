import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { DependencyError, isRetriable, messageOf } from '../../lib/errors.js';
import type { Delivery } from '../../lib/kafka/delivery.js';
import type { Logger } from '../../lib/log.js';

/** One message as the follower hands it to a handler. */
/** A followed message: the same shape a runner's sink sees, so a refused one can be dead-lettered as it is. */
export type Followed = Delivery;

export interface FollowerOptions {
  kafka: Kafka;
  admin: Admin;
  topics: string[];
  /**
   * Called for each message in log order per partition (refused input is
   * dead-lettered inside it: lib's messageHandler); a retriable throw is
   * retried with backoff, any other is a bug: the follower stops and `done`
   * rejects with it.
   */
  handle: (m: Followed) => Promise<void> | void;
  /** Called after each fetched batch (cheap hook for "the stream went quiet" logic). */
  afterBatch?: () => void;
  /** `topic/partition` -> the offset to start that partition at (a snapshot covers what lies before it); others start at the log's beginning. */
  startAt?: ReadonlyMap<string, bigint>;
  log: Logger;
}

export interface Follower {
  /** Rejects when a handler threw something not retriable (a bug): the follower stopped there, nothing after it is applied. */
  done: Promise<void>;
  /** Resolves once every partition has been read up to its end offset as of start-up. */
  caughtUp: Promise<void>;
  isCaughtUp(): boolean;
  /** Messages behind the end of each topic, summed (from the last `refreshLag`). */
  lag(): Record<string, number>;
  /** Re-reads end offsets to update lag (called by the status loop, off the hot path). */
  refreshLag(): Promise<void>;
  /**
   * Resolves once every message written to `topics` before the call has been
   * handled ("read your own writes", e.g. before deciding a registry command);
   * DependencyError after `timeoutMs` (default 10 s).
   */
  sync(topics: readonly string[], timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads whole topics into memory, from the beginning, as a projection.
 * Every gateway replica must see every partition, so each one joins its own
 * throw-away consumer group and never commits: a restart replays the log,
 * which is what rebuilding a projection means here, from the offsets a
 * snapshot covers when one was loaded (`startAt`, state/snapshot.ts).
 */
export async function startFollower(opts: FollowerOptions): Promise<Follower> {
  const groupId = `gateway-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const consumer: Consumer = opts.kafka.consumer({
    groupId,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 64 * 1024 * 1024,
    // sales arrive weekly: a long poll costs nothing while idle and adds at most this much delay
    maxWaitTimeInMs: 500,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });
  const progress = await Progress.at(opts.admin, opts.topics, opts.startAt);
  const stopped = crashLatch(opts.log, () => setImmediate(() => void consumer.stop().catch(() => undefined)));
  await consumer.connect();
  await consumer.subscribe({ topics: opts.topics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, heartbeat, isRunning }) => {
      const k = `${batch.topic}/${batch.partition}`;
      const { positions, ends } = progress;
      for (const m of batch.messages) {
        if (!isRunning() || stopped.failed) return;
        const d: Delivery = { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key ? m.key.toString() : null, value: m.value, timestamp: m.timestamp, headers: {} };
        const handled = await handleWithRetry(opts, d, k, () => isRunning(), heartbeat);
        if (handled !== true) return stopped.crash(`${k}@${m.offset}`, handled.error);
        positions.set(k, BigInt(m.offset) + 1n);
      }
      const high = BigInt(batch.highWatermark);
      if (high > (ends.get(k) ?? 0n)) ends.set(k, high);
      progress.check();
      opts.afterBatch?.();
      await heartbeat();
    },
  });
  // applied when the partitions are assigned, before their first fetch (kafkajs keeps pending seeks)
  for (const [k, offset] of opts.startAt ?? []) {
    const i = k.lastIndexOf('/');
    consumer.seek({ topic: k.slice(0, i), partition: Number(k.slice(i + 1)), offset: offset.toString() });
  }

  return {
    done: stopped.done,
    caughtUp: progress.caughtUp,
    isCaughtUp: () => progress.caught,
    lag: () => progress.lag(),
    async refreshLag() {
      for (const topic of opts.topics) {
        for (const p of await opts.admin.fetchTopicOffsets(topic)) progress.ends.set(`${topic}/${p.partition}`, BigInt(p.high));
      }
    },
    sync: (topics, timeoutMs = 10_000) => readTo(opts.admin, progress, topics, timeoutMs),
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      // the group never held offsets; leaving it would only clutter the broker's group list
      await opts.admin.deleteGroups([groupId]).catch(() => undefined);
    },
  };
}

/** The follower's end on a bug: `done` rejects with it (once), and `stop` ends the consumer. */
function crashLatch(log: Logger, stop: () => void) {
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((_resolve, reject) => (fail = reject));
  // the owner may never await it (a test's gateway): an unobserved rejection must not end the process by itself
  done.catch(() => undefined);
  const latch = {
    done,
    failed: false,
    crash(where: string, err: unknown) {
      latch.failed = true;
      log.error(`stopped at ${where}: ${messageOf(err)}`);
      fail(err);
      stop();
    },
  };
  return latch;
}

/** Resolves once every message written to `topics` before the call has been handled; DependencyError after `timeoutMs`. */
async function readTo(admin: Admin, progress: Progress, topics: readonly string[], timeoutMs: number): Promise<void> {
  const ends = (await Promise.all(topics.map(async (t) => (await admin.fetchTopicOffsets(t)).map((p) => ({ k: `${t}/${p.partition}`, p }))))).flat();
  const wanted = ends.filter(({ p }) => BigInt(p.high) > BigInt(p.low)).map(({ k, p }) => ({ k, high: BigInt(p.high) }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind = wanted.filter(({ k, high }) => (progress.positions.get(k) ?? 0n) < high).map(({ k }) => k);
    if (behind.length === 0) return;
    if (Date.now() > deadline) throw new DependencyError('kafka', `the gateway has not read ${behind.join(', ')} to its end within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Handles one message; a dependency outage (the schema registry) is waited
 * out with backoff, so the state never silently misses an event. True once
 * handled (or when stopping), else the error that is not retriable (a bug).
 */
async function handleWithRetry(opts: FollowerOptions, d: Delivery, k: string, isRunning: () => boolean, heartbeat: () => Promise<void>): Promise<true | { error: unknown }> {
  for (let attempt = 0; ; attempt++) {
    try {
      await opts.handle(d);
      return true;
    } catch (err) {
      if (!isRetriable(err)) return { error: err };
      if (!isRunning()) return true;
      const wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
      opts.log.warn(`${k}@${d.offset} not handled yet (${messageOf(err)}); retrying in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
      await heartbeat().catch(() => undefined);
    }
  }
}

/** How far the follower has read: positions, end offsets, and "caught up" with what existed at start-up. */
class Progress {
  readonly positions = new Map<string, bigint>();
  readonly ends = new Map<string, bigint>();
  /** end offsets at start-up: "caught up" means everything that existed when we started */
  private readonly targets = new Map<string, bigint>();
  caught = false;
  readonly caughtUp: Promise<void>;
  private resolve!: () => void;

  private constructor() {
    this.caughtUp = new Promise<void>((r) => (this.resolve = r));
  }

  static async at(admin: Admin, topics: string[], startAt?: ReadonlyMap<string, bigint>): Promise<Progress> {
    const p = new Progress();
    for (const topic of topics) {
      for (const o of await admin.fetchTopicOffsets(topic)) {
        const k = `${topic}/${o.partition}`;
        const start = startAt?.get(k) ?? BigInt(o.low);
        p.positions.set(k, start);
        p.ends.set(k, BigInt(o.high));
        if (BigInt(o.high) > start) p.targets.set(k, BigInt(o.high));
      }
    }
    p.check();
    return p;
  }

  check(): void {
    if (this.caught) return;
    for (const [k, target] of this.targets) if ((this.positions.get(k) ?? 0n) < target) return;
    this.caught = true;
    this.resolve();
  }

  /** Messages behind the end, per topic. */
  lag(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, end] of this.ends) {
      const topic = k.slice(0, k.lastIndexOf('/'));
      const behind = end - (this.positions.get(k) ?? 0n);
      out[topic] = (out[topic] ?? 0) + Number(behind > 0n ? behind : 0n);
    }
    return out;
  }
}
