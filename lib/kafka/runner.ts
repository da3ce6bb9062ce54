import { channel } from 'node:diagnostics_channel';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isRetriable, messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { deliveryOf, type BatchSink, type Delivery } from './delivery.js';
import { CommitFailed, groupConsumerConfig, heartbeatWhile, isMembershipError, nextOffsets } from './commits.js';

export interface RunnerStats {
  group: string;
  /** messages flushed since start */
  messages: number;
  flushes: number;
  lastFlushMs: number;
  lastFlushSize: number;
  /** messages per second over the last flush window */
  rate: number;
  /** failed writes since start (each one retried, or the one that stopped the runner) */
  writeFailures: number;
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
  /** Why the runner holds back on purpose now (a write retried while its dependency is down), or null: the stall watchdog does not count that time. */
  waiting(): string | null;
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
  const r = new BufferedRunner(opts);
  await r.start();
  return { consumer: r.consumer, stats: () => ({ ...r.stats }), waiting: () => r.waiting(), done: r.done, stop: () => r.stop() };
}

/** The runner's state and its named steps: buffer, flush (write, then commit), recover, stop. */
class BufferedRunner {
  readonly consumer: Consumer;
  readonly stats: RunnerStats;
  readonly done: Promise<void>;
  private readonly flushRows: number;
  private readonly flushMs: number;
  private readonly diag: ReturnType<typeof channel>;
  private buffer: Delivery[] = [];
  private oldest = 0;
  private lastFlushAt = Date.now();
  private flushing: Promise<void> = Promise.resolve();
  /** Writes running now (0 or 1: the flushes are chained). */
  private writing = 0;
  /** Counts rejoins: a write started before one neither commits nor handles its failure after it. */
  private generation = 0;
  /** When the last write started, and the least time between the starts of two caught-up writes. */
  private lastWriteAt = 0;
  private readonly gapMs: number;
  private soonTimer: NodeJS.Timeout | null = null;
  private lastWriteRows = 0;
  private stopped = false;
  private failures = 0;
  /** A batch whose write (or commit) failed on a dependency: kept in memory, its partitions paused, retried with backoff. */
  private held: Delivery[] | null = null;
  /** Why `held` is held: the sink's write (a dependency down: the watchdog waits) or the commit (Kafka: it does not). */
  private heldFor: { what: 'write' | 'commit'; reason: string } | null = null;
  /** Between a kafkajs crash it restarts from and the rejoin: a commit then fails only because the group is being joined again. */
  private restarting = false;
  /** The heartbeat error that says the group must be joined again, until it has been (GROUP_JOIN). */
  private rejoinNeeded: unknown = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Every subscribed topic, as pause and resume take them (a batch held pauses them all). */
  private readonly allTopics: { topic: string }[];
  private resolveDone!: () => void;
  private rejectDone!: (err: unknown) => void;

  constructor(private readonly opts: RunnerOptions) {
    this.flushRows = opts.flushRows ?? 50_000;
    this.flushMs = opts.flushMs ?? 500;
    this.gapMs = Math.min(WRITE_GAP_MS, Math.floor(this.flushMs / 2));
    this.allTopics = opts.topics.map((topic) => ({ topic }));
    this.stats = { group: opts.groupId, messages: 0, flushes: 0, lastFlushMs: 0, lastFlushSize: 0, rate: 0, writeFailures: 0 };
    this.diag = channel(opts.statsChannel ?? `forecast:consumer:${opts.groupId}`);
    this.consumer = opts.kafka.consumer(groupConsumerConfig(opts.groupId, this.flushMs));
    this.done = new Promise<void>((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
  }

  /** Connects, subscribes and starts consuming; a crash kafkajs will not restart ends `done`. */
  async start(): Promise<void> {
    this.timer = setInterval(() => {
      if (!this.stopped && this.buffer.length > 0 && Date.now() - this.oldest >= this.flushMs) void this.flush();
    }, Math.max(20, Math.floor(this.flushMs / 4)));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.opts.topics, fromBeginning: this.opts.fromBeginning ?? true });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.onRejoin());
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      const restart = e.payload.restart;
      this.opts.log.error(`consumer crashed: ${messageOf(e.payload.error)}`, { restart });
      if (!restart) this.fail(e.payload.error);
      else this.restarting = true;
    });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 1, eachBatch: (p) => this.onBatch(p) });
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    // checked once: the loop below is synchronous, so neither can change during it
    // (kafkajs's isStale serializes a key per call, which cost more per message than the rest of the loop)
    if (this.stopped || !isRunning() || isStale()) return;
    // a heartbeat said the group must be joined again: every batch kafkajs still hands over is
    // refused the same way until it has, so its fetchers stop at once (they are redelivered after)
    if (this.rejoinNeeded) throw this.rejoinNeeded;
    for (const m of batch.messages) {
      if (this.buffer.length === 0) this.oldest = Date.now();
      this.buffer.push(deliveryOf(batch.topic, batch.partition, m));
    }
    // flush on size or age, or as soon as this partition is caught up, so a
    // steady trickle is visible quickly while a backfill still gets big inserts
    const caughtUp = batch.offsetLag() === '0';
    const full = this.buffer.length >= this.flushRows || Date.now() - this.oldest >= this.flushMs;
    if (!full && !caughtUp) return;
    if (!full && this.lastWriteRows >= GAP_ROWS) {
      // Caught up: written soon, but at most one insert per gap. ClickHouse
      // pays per insert (a part, then its merges: 10,000-row inserts cost it
      // 3x the CPU of 50,000-row ones), and a backfill that keeps catching up
      // would otherwise insert in slivers. A trickle (small writes) is not held.
      const wait = this.lastWriteAt + this.gapMs - Date.now();
      if (wait > 0) return this.flushIn(wait);
    }
    // The write is queued, not awaited: the fetch loop reads and buffers the
    // next messages while ClickHouse takes this batch. Only when a write is
    // already running does it wait for that one, so at most one batch is
    // being written and one is buffering behind it.
    const running = this.writing > 0 ? this.flushing : null;
    void this.flush();
    if (!running) return;
    // A slow write must not cost the group membership: heartbeat while it runs (see heartbeatWhile).
    // The write goes on; a rejoin meanwhile keeps it from committing (see writeAndCommit).
    await heartbeatWhile(running, heartbeat, (err) => (this.rejoinNeeded ??= err));
  }

  /** Flushes after `ms` unless a flush is already due by then. */
  private flushIn(ms: number): void {
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      if (!this.stopped) void this.flush();
    }, ms);
  }

  /** Writes what is buffered, then commits it; one flush at a time, in order. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      // while a failed batch is held, nothing after it is written (its commit would skip the held messages)
      if (this.held || this.buffer.length === 0) return;
      const batch = this.buffer;
      this.buffer = [];
      this.writing += 1;
      this.lastWriteAt = Date.now();
      this.lastWriteRows = batch.length;
      const generation = this.generation;
      try {
        await this.writeAndCommit(batch, generation);
        this.failures = 0;
      } catch (err) {
        // a failure from before a rejoin is stale: the rejoin already reset the buffer and the partitions
        if (generation === this.generation) this.onWriteFailed(batch, err);
      } finally {
        this.writing -= 1;
      }
    });
    return this.flushing;
  }

  /**
   * The sink's write, then the commit, unless the group was rejoined while
   * the write ran (`generation` changed): the partitions may have moved, and
   * the new assignment resumes from the last commit, so the rows written are
   * rewritten identically, which the idempotent sink absorbs.
   */
  private async writeAndCommit(batch: Delivery[], generation: number): Promise<void> {
    const t0 = Date.now();
    await this.opts.sink(batch);
    if (generation !== this.generation) {
      this.opts.log.info(`rejoined the group while writing ${batch.length} messages: written, not committed (the new assignment resumes from the last commit)`);
      return;
    }
    try {
      await this.consumer.commitOffsets([...nextOffsets(batch).values()]);
    } catch (err) {
      throw new CommitFailed(err, this.restarting);
    }
    const now = Date.now();
    Object.assign(this.stats, {
      messages: this.stats.messages + batch.length,
      flushes: this.stats.flushes + 1,
      lastFlushMs: now - t0,
      lastFlushSize: batch.length,
      rate: (batch.length * 1000) / Math.max(1, now - this.lastFlushAt),
    });
    this.lastFlushAt = now;
    if (this.diag.hasSubscribers) this.diag.publish({ ...this.stats });
    this.opts.log.debug('flushed', { rows: batch.length, ms: this.stats.lastFlushMs });
  }

  /**
   * A failed write. A dependency outage (retriable) holds the batch and what
   * was buffered after it in memory, pauses every partition and retries with
   * capped backoff: kafkajs keeps heartbeating meanwhile, so the group
   * membership survives an outage of any length. A commit refused because the
   * group moved on (rebalance, expired member) drops what is uncommitted: the
   * partitions' next owner (maybe this member, after rejoining) resumes from
   * the last commit, and the idempotent sink absorbs the rewrite. Anything
   * else is a bug or a permanent refusal the sink did not handle: the runner
   * stops with it, and the process supervisor restarts the process.
   */
  private onWriteFailed(batch: Delivery[], err: unknown): void {
    const commit = err instanceof CommitFailed;
    if (isMembershipError(err)) {
      this.opts.log.warn(`commit refused, the group moved on (${messageOf(err)}): ${batch.length + this.buffer.length} uncommitted messages will be redelivered`);
      this.buffer = [];
      return;
    }
    this.failures += 1;
    this.stats.writeFailures += 1;
    const retriable = isRetriable(err);
    this.opts.log.error(`${commit ? 'commit' : 'write'} failed (${this.failures} in a row): ${messageOf(err)}`, { retriable, rows: batch.length });
    if (!retriable) {
      this.stopped = true;
      this.fail(err);
      // not awaited: this may run inside eachBatch, which disconnect() would wait for
      void this.consumer.disconnect().catch(() => undefined);
      return;
    }
    this.held = [...batch, ...this.buffer];
    this.heldFor = { what: commit ? 'commit' : 'write', reason: messageOf(err) };
    this.buffer = [];
    this.consumer.pause(this.allTopics);
    const wait = Math.min(RETRY_CAP_MS, 250 * 2 ** Math.min(this.failures, 6));
    this.opts.log.warn(`holding ${this.held.length} messages, partitions paused; next try in ${wait} ms`);
    this.retryTimer = setTimeout(() => void this.retryHeld(), wait);
  }

  /** Writes the held batch again; on success resumes the partitions. */
  private retryHeld(): Promise<void> {
    this.retryTimer = null;
    this.flushing = this.flushing.then(async () => {
      const batch = this.held;
      if (!batch || this.stopped) return;
      this.held = null;
      this.heldFor = null;
      const generation = this.generation;
      try {
        await this.writeAndCommit(batch, generation);
        this.opts.log.info(`write succeeded after ${this.failures} failure(s); resuming`);
        this.failures = 0;
        this.consumer.resume(this.allTopics);
      } catch (err) {
        if (generation !== this.generation) return;
        this.onWriteFailed(batch, err);
        if (!this.held) this.consumer.resume(this.allTopics);
      }
    });
    return this.flushing;
  }

  /** After a rebalance the assignment may differ: drop what is uncommitted (it is redelivered from the last commit) and resume. */
  private onRejoin(): void {
    this.generation += 1;
    this.restarting = false;
    this.rejoinNeeded = null;
    this.heldFor = null;
    const dropped = (this.held?.length ?? 0) + this.buffer.length;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.held = null;
    this.buffer = [];
    this.consumer.resume(this.allTopics);
    if (dropped > 0) this.opts.log.warn(`rejoined the group: ${dropped} uncommitted messages will be redelivered`);
  }

  /** Why the runner holds back on purpose now: only a write retried on its dependency (see RunningConsumer.waiting). */
  waiting(): string | null {
    return this.held && this.heldFor?.what === 'write' ? `a write is retried while its dependency is down (${this.heldFor.reason})` : null;
  }

  private fail(err: unknown): void {
    if (this.timer) clearInterval(this.timer);
    this.rejectDone(err);
  }

  /** Flushes what is buffered, commits, and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    // a batch still held is not written now: it was never committed, so the next start redelivers it
    this.held = null;
    this.heldFor = null;
    try {
      await this.flush();
    } finally {
      await this.consumer.disconnect();
      this.resolveDone();
    }
  }
}

/** At most one caught-up write per this many ms (see onBatch). */
const WRITE_GAP_MS = 200;
/** Writes of fewer rows are a trickle, not a bulk load: the next caught-up write is not held for the gap. */
const GAP_ROWS = 1_000;
/** The longest wait between two tries of a held batch. */
const RETRY_CAP_MS = 10_000;

