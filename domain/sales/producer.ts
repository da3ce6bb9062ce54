import { CompressionTypes, Partitioners, type Kafka, type PartitionMetadata, type Producer } from 'kafkajs';
import { AvroCodec } from '../../lib/avro.js';
import type { Config } from '../../lib/config.js';
import { seriesKey, type SalesWeek } from '../../schemas/types.js';
import { validateSalesWeek } from './validate.js';

/** Messages per produce request (see sendPerPartition). */
const REQUEST_MESSAGES = 1_000;

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
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
    private readonly topic: string,
    partitions: number,
  ) {
    // the default partitioner of a keyed message looks only at the number of partitions
    this.partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: -1, replicas: [], isr: [], partitionErrorCode: 0 }));
  }

  /** Connects a producer for `cfg.topics.sales`; the codec must have the sales contract registered. */
  static async connect(kafka: Kafka, codec: AvroCodec, cfg: Readonly<Config>): Promise<SalesProducer> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const admin = kafka.admin();
    await admin.connect();
    let partitions: number;
    try {
      const md = await admin.fetchTopicMetadata({ topics: [cfg.topics.sales] });
      partitions = md.topics[0]?.partitions.length ?? cfg.kafka.salesPartitions;
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
    return new SalesProducer(producer, codec, cfg.topics.sales, partitions);
  }

  /**
   * One send per partition, of at most REQUEST_MESSAGES messages. kafkajs
   * 2.2.4 drops, without an error, the messages of a partition whose leader
   * moved during a send to a broker that had already answered for its own
   * partitions of the same send (its retry only goes to brokers without a
   * response: producer/sendMessages.js). A send holding a single partition is
   * retried whole on the new leader. The size cap is for kafkajs too: it
   * groups a send's messages by partition by copying the partition's array
   * for every message (producer/groupMessagesPerPartition.js), quadratic in
   * the messages per partition of one send.
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
    for (const list of byPartition.values()) {
      for (let i = 0; i < list.length; i += REQUEST_MESSAGES) {
        sends.push(this.producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.None, messages: list.slice(i, i + REQUEST_MESSAGES) }));
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
    await this.producer.send({ topic: this.topic, acks: -1, messages });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
