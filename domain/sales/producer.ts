import { CompressionTypes, Partitioners, type Kafka, type PartitionMetadata, type Producer } from 'kafkajs';
import { AvroCodec } from '../../lib/avro.js';
import type { Config } from '../../lib/config.js';
import { seriesKey, type SalesWeek } from '../../schemas/types.js';
import { validateSalesWeek } from './validate.js';

/**
 * Messages per produce request (see sendPerPartition): a sales event is about
 * 130 bytes, so a request stays near 0.5 MB, under the broker's 1 MB record
 * batch limit, and few enough requests queue behind a lane's broker lock.
 */
const REQUEST_MESSAGES = 4_000;

/**
 * Idempotent producers a SalesProducer spreads its partitions over. kafkajs
 * lets an idempotent producer have one request in flight per broker, and it
 * encodes a request while holding that lock, so one producer leaves the
 * broker idle while it encodes and itself idle while the broker writes. Each
 * partition belongs to one lane (partition mod lanes), so its order and
 * sequence numbers stay with one producer, and the lanes overlap.
 */
const LANES = 3;

/** Progress of a long send: events acknowledged so far out of a total (when known). */
export type Progress = (sent: number, total: number | null) => void;

/**
 * Produces SalesWeekRecorded events keyed by series (`store:dept`, so a series
 * stays ordered in one partition) through the schema registry. The Kafka
 * producer is idempotent: a retried send never duplicates in the log, and
 * re-sending the same week is an upsert downstream.
 */
export class SalesProducer {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionMetadata: PartitionMetadata[];

  private constructor(
    private readonly lanes: readonly Producer[],
    private readonly codec: AvroCodec,
    private readonly topic: string,
    partitions: number,
  ) {
    // the default partitioner of a keyed message looks only at the number of partitions
    this.partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: -1, replicas: [], isr: [], partitionErrorCode: 0 }));
  }

  /** Connects a producer for `cfg.topics.sales`; the codec must have the sales contract registered. */
  static async connect(kafka: Kafka, codec: AvroCodec, cfg: Readonly<Config>): Promise<SalesProducer> {
    const admin = kafka.admin();
    await admin.connect();
    let partitions: number;
    try {
      const md = await admin.fetchTopicMetadata({ topics: [cfg.topics.sales] });
      partitions = md.topics[0]?.partitions.length ?? cfg.kafka.salesPartitions;
    } finally {
      await admin.disconnect();
    }
    const lanes = Array.from({ length: Math.min(LANES, partitions) }, () =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    );
    await Promise.all(lanes.map((p) => p.connect()));
    return new SalesProducer(lanes, codec, cfg.topics.sales, partitions);
  }

  /**
   * One send per partition, of at most REQUEST_MESSAGES messages. kafkajs
   * 2.2.4 drops, without an error, the messages of a partition whose leader
   * moved during a send to a broker that had already answered for its own
   * partitions of the same send (its retry only goes to brokers without a
   * response: producer/sendMessages.js). A send holding a single partition is
   * retried whole on the new leader. kafkajs 2.2.4 also grouped a send's
   * messages by copying the partition's array for every message, quadratic
   * in the messages per partition: patches/kafkajs+2.2.4.patch makes it
   * linear (the fix proposed upstream in tulios/kafkajs#1576, unmerged).
   */
  private sendPerPartition(msgs: { key: string; value: Buffer }[]): Promise<unknown> {
    const byPartition = new Map<number, { key: string; value: Buffer; partition: number }[]>();
    for (const m of msgs) {
      const partition = this.partitioner({ topic: this.topic, partitionMetadata: this.partitionMetadata, message: m });
      const list = byPartition.get(partition) ?? [];
      list.push({ key: m.key, value: m.value, partition });
      byPartition.set(partition, list);
    }
    const sends: Promise<unknown>[] = [];
    for (const [partition, list] of byPartition) {
      const lane = this.lanes[partition % this.lanes.length]!;
      for (let i = 0; i < list.length; i += REQUEST_MESSAGES) {
        sends.push(lane.send({ topic: this.topic, acks: -1, compression: CompressionTypes.None, messages: list.slice(i, i + REQUEST_MESSAGES) }));
      }
    }
    return Promise.all(sends);
  }

  /** Encodes one event after validating it (throws ValidationError naming the field). */
  encode(e: SalesWeek): { key: string; value: Buffer } {
    return { key: seriesKey(e.store, e.dept), value: this.codec.encode('sales', validateSalesWeek(e)) };
  }

  /** Encodes a chunk of events into one shared buffer (one allocation, no copy per event); validation as in encode. */
  encodeChunk(events: readonly SalesWeek[]): { key: string; value: Buffer }[] {
    const values = this.codec.encodeMany('sales', events.map(validateSalesWeek));
    return events.map((e, i) => ({ key: seriesKey(e.store, e.dept), value: values[i]! }));
  }

  /**
   * Sends events in chunks of `chunk` messages (default 20,000), a few
   * chunks in flight, reporting progress after each acknowledged chunk.
   * Every event is validated before anything of its chunk is sent.
   */
  async send(events: Iterable<SalesWeek>, opts: { total?: number; onProgress?: Progress; chunk?: number } = {}): Promise<number> {
    const chunkSize = opts.chunk ?? 20_000;
    let sent = 0;
    let pending: SalesWeek[] = [];
    const inflight = new Set<Promise<void>>();
    const flush = async (events: SalesWeek[]) => {
      const msgs = this.encodeChunk(events);
      const p = this.sendPerPartition(msgs).then(() => {
        sent += msgs.length;
        opts.onProgress?.(sent, opts.total ?? null);
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p)).catch(() => undefined);
      if (inflight.size >= 3) await Promise.race(inflight);
    };
    for (const e of events) {
      pending.push(e);
      if (pending.length >= chunkSize) {
        await flush(pending);
        pending = [];
      }
    }
    if (pending.length > 0) await flush(pending);
    await Promise.all(inflight);
    return sent;
  }

  /** Sends already-encoded messages as they are (used to inject raw or broken bytes in tests). */
  async sendRaw(messages: { key: string | null; value: Buffer | null }[]): Promise<void> {
    await this.lanes[0]!.send({ topic: this.topic, acks: -1, messages });
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.lanes.map((p) => p.disconnect()));
  }
}
