/**
 * Reads the sales topic once, from its first offset up to the end offsets
 * fixed when the backtest was requested, through a throwaway consumer group
 * that commits nothing and is deleted afterwards: no live group moves, and
 * events produced meanwhile are not part of this backtest. Events the
 * materializer would dead-letter (unreadable, invalid) are not data here either.
 */
import type { Admin, Batch, Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import { AppError, DependencyError, messageOf } from '../../lib/errors.js';
import { SALES_WEEK } from '../../domain/contracts.js';
import { SeriesGrid } from '../../domain/sales/grid.js';
import { SalesLogBuilder, type SalesLog } from './sales-log.js';

/** Per partition, the offsets [low, high) the backtest reads. */
export type LogSlice = Map<number, { low: bigint; high: bigint }>;

/** The topic's current extent: what a backtest requested now will read. */
export async function sliceOf(admin: Admin, topic: string): Promise<LogSlice> {
  try {
    const parts = await admin.fetchTopicOffsets(topic);
    return new Map(parts.map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
  } catch (err) {
    throw new DependencyError('kafka', `reading the offsets of ${topic} failed: ${messageOf(err)}`, err);
  }
}

/** JSON of a slice's end offsets (partition -> exclusive end), as recorded in the request. */
export function sliceJson(slice: LogSlice): string {
  return JSON.stringify(Object.fromEntries([...slice].map(([p, o]) => [p, Number(o.high)])));
}

export interface ReadResult {
  log: SalesLog;
  /** Messages read (valid or not). */
  read: number;
  /** Messages left out: unreadable bytes or invalid values. */
  invalid: number;
  ms: number;
}

/** What a read has folded so far: the log being built, the partitions still to read with their end offsets, and the counts. */
class SliceFold {
  readonly builder = new SalesLogBuilder();
  // the same refusals as the materializer (contract and 7-day grid): counted here, not re-dead-lettered,
  // since the live materializer already sent each of them to the dead-letter topic once
  private readonly grid = new SeriesGrid();
  readonly pending = new Map<number, bigint>();
  // next offset to take per partition: a batch kafkajs retries is not added twice
  private readonly next = new Map<number, bigint>();
  total = 0;
  read = 0;
  invalid = 0;

  constructor(
    slice: LogSlice,
    private readonly codec: AvroCodec,
  ) {
    for (const [p, o] of slice) {
      if (o.high > o.low) {
        this.pending.set(p, o.high);
        this.total += Number(o.high - o.low);
      }
    }
  }

  /** Folds a batch's messages below its partition's end offset; true once every partition is read to its end. */
  async take(batch: Batch): Promise<boolean> {
    const end = this.pending.get(batch.partition);
    if (end === undefined) return false;
    for (const m of batch.messages) {
      const offset = BigInt(m.offset);
      if (offset >= end) break;
      if (offset < (this.next.get(batch.partition) ?? 0n)) continue;
      try {
        this.builder.add(this.grid.check(await this.codec.decode(SALES_WEEK, m.value)), batch.partition);
      } catch (err) {
        if (err instanceof AppError && err.retriable) throw err; // a registry outage: kafkajs retries the batch
        this.invalid++;
      }
      this.read++;
      this.next.set(batch.partition, offset + 1n);
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last && BigInt(last.offset) + 1n >= end) {
      this.pending.delete(batch.partition);
      return this.pending.size === 0;
    }
    return false;
  }

  result(t0: number): ReadResult {
    return { log: this.builder.build(), read: this.read, invalid: this.invalid, ms: performance.now() - t0 };
  }
}

/** Reads `slice` of `topic` into a SalesLog; `onProgress(done, total)` about every 250 ms. */
export async function readSalesLog(
  kafka: Kafka,
  codec: AvroCodec,
  topic: string,
  slice: LogSlice,
  opts: { groupId: string; onProgress?: (done: number, total: number) => void; timeoutMs?: number },
): Promise<ReadResult> {
  const t0 = performance.now();
  const fold = new SliceFold(slice, codec);
  if (fold.pending.size === 0) return fold.result(t0);

  const consumer = kafka.consumer({ groupId: opts.groupId, maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 64 * 1024 * 1024, maxWaitTimeInMs: 200 });
  const admin = kafka.admin();
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((res, rej) => {
    finish = res;
    fail = rej;
  });
  const ticker = setInterval(() => opts.onProgress?.(fold.read, fold.total), 250);
  const timer = setTimeout(
    () => fail(new DependencyError('kafka', `reading ${topic} did not reach the requested end offsets within ${(opts.timeoutMs ?? 600_000) / 1000} s`)),
    opts.timeoutMs ?? 600_000,
  );
  try {
    await admin.connect();
    await consumer.connect();
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) fail(new DependencyError('kafka', `reading ${topic} failed: ${messageOf(e.payload.error)}`, e.payload.error, false));
    });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (await fold.take(batch)) finish();
      },
    });
    await finished;
  } catch (err) {
    throw err instanceof AppError ? err : new DependencyError('kafka', `reading ${topic} failed: ${messageOf(err)}`, err);
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    // nothing was committed; the group would only clutter the broker's list
    await admin.deleteGroups([opts.groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  opts.onProgress?.(fold.read, fold.total);
  return fold.result(t0);
}
