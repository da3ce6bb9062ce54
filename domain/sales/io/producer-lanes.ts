/**
 * How the sales producer's worker thread (producer-lanes.worker.ts) sends a
 * chunk: one key and partition per series, one lane (idempotent producer)
 * per partition, at most `requestMessages` messages per request, and a
 * partition's requests one after the other.
 */
import { CompressionTypes, Partitioners, type Message, type PartitionMetadata, type Producer } from 'kafkajs';
import { seriesKey } from '../../../schemas/types.js';

/** What Lanes needs of its settings (the worker's LanesInit has them). */
export interface LanesSettings {
  topic: string;
  partitions: number;
  /** Messages per produce request (see sendPerPartition). */
  requestMessages: number;
}

/** The part of a kafkajs producer Lanes uses. */
export type LaneProducer = Pick<Producer, 'send'>;

export class Lanes {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionMetadata: PartitionMetadata[];
  /** Per series, its message key and partition: both follow from the series alone, so each is computed once. */
  private readonly series = new Map<number, { key: string; partition: number }>();
  /** Per partition, the last send handed to its lane: the next one starts only after it (see sendPerPartition). */
  private readonly tails = new Map<number, Promise<unknown>>();

  constructor(
    private readonly init: LanesSettings,
    readonly producers: readonly LaneProducer[],
  ) {
    // the default partitioner of a keyed message looks only at the number of partitions
    this.partitionMetadata = Array.from({ length: init.partitions }, (_, i) => ({ partitionId: i, leader: -1, replicas: [], isr: [], partitionErrorCode: 0 }));
  }

  /** The key (`store:dept`) and partition (kafkajs's murmur2 partitioner) of a series. */
  private placeOf(store: number, dept: number): { key: string; partition: number } {
    const id = store * 65536 + dept;
    let p = this.series.get(id);
    if (p === undefined) {
      const key = seriesKey(store, dept);
      p = { key, partition: this.partitioner({ topic: this.init.topic, partitionMetadata: this.partitionMetadata, message: { key, value: null } }) };
      this.series.set(id, p);
    }
    return p;
  }

  /** Event i of a chunk is bytes[ends[i-1] .. ends[i]) with series (series[2i], series[2i+1]). */
  sendChunk(bytes: Uint8Array, ends: Uint32Array, series: Uint16Array): Promise<unknown> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const byPartition = new Map<number, Message[]>();
    for (let i = 0, start = 0; i < ends.length; start = ends[i]!, i++) {
      const { key, partition } = this.placeOf(series[2 * i]!, series[2 * i + 1]!);
      const list = byPartition.get(partition);
      const m = { key, value: buf.subarray(start, ends[i]), partition };
      if (list) list.push(m);
      else byPartition.set(partition, [m]);
    }
    return this.sendPerPartition(byPartition);
  }

  /**
   * One send per partition, of at most `requestMessages` messages. kafkajs
   * 2.2.4 drops, without an error, the messages of a partition whose leader
   * moved during a send to a broker that had already answered for its own
   * partitions of the same send (its retry only goes to brokers without a
   * response: producer/sendMessages.js). A send holding a single partition is
   * retried whole on the new leader. kafkajs 2.2.4 also grouped a send's
   * messages by copying the partition's array for every message, quadratic
   * in the messages per partition: patches/kafkajs+2.2.4.patch makes it
   * linear (the fix proposed upstream in tulios/kafkajs#1576, unmerged).
   *
   * A partition's sends go one after the other, across chunks too (the
   * producing thread keeps a few chunks in flight): concurrent kafkajs sends
   * to one partition may reach the broker in any order, which put a series'
   * weeks out of order in the log (3 of 2,287 real series on one import, one
   * starting in November). Sends to other partitions still overlap. Within a
   * chunk a failed send fails the partition's later sends unsent (the chunk
   * fails, and nothing after the gap is written); the next chunk starts
   * afresh once they have settled.
   */
  private sendPerPartition(byPartition: Map<number, Message[]>): Promise<unknown> {
    const sends: Promise<unknown>[] = [];
    const n = this.init.requestMessages;
    for (const [partition, list] of byPartition) {
      const lane = this.producers[partition % this.producers.length]!;
      let prev: Promise<unknown> = (this.tails.get(partition) ?? Promise.resolve()).catch(() => undefined);
      for (let i = 0; i < list.length; i += n) {
        const messages = list.slice(i, i + n);
        const next = prev.then(() => lane.send({ topic: this.init.topic, acks: -1, compression: CompressionTypes.None, messages }));
        sends.push(next);
        prev = next;
      }
      this.tails.set(partition, prev);
    }
    return Promise.all(sends);
  }

  /** Raw messages as they are, on the first lane (test and injection tool). */
  sendRaw(messages: { key: string | null; value: Uint8Array | null }[]): Promise<unknown> {
    const asBuffer = (v: Uint8Array | null) => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : null);
    return this.producers[0]!.send({ topic: this.init.topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: asBuffer(m.value) })) });
  }
}
