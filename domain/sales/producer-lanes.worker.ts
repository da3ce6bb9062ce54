/**
 * The Kafka half of SalesProducer, on a worker thread of its own: kafkajs
 * builds every record and request in JavaScript, which took most of the
 * producing thread's time, so the thread that validates and Avro-encodes
 * (domain/sales/producer.ts) hands this one the encoded bytes, moved without
 * a copy, and goes on with the next chunk while this one sends.
 *
 * Lanes: kafkajs lets an idempotent producer have one request in flight per
 * broker, and it encodes a request while holding that lock, so one producer
 * leaves the broker idle while it encodes and itself idle while the broker
 * writes. Each partition belongs to one lane (partition mod lanes), so its
 * order and sequence numbers stay with one producer, and the lanes overlap.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CompressionTypes, Partitioners, type Message, type PartitionMetadata, type Producer } from 'kafkajs';
import type { Config } from '../../lib/config.js';
import { createKafka, type KafkaRetry } from '../../lib/kafka.js';
import { seriesKey } from '../../schemas/types.js';

export interface LanesInit {
  cfg: Readonly<Config>;
  clientId: string;
  retry: KafkaRetry;
  topic: string;
  partitions: number;
  lanes: number;
  /** Messages per produce request (see sendPerPartition). */
  requestMessages: number;
}

/** What the producing thread asks: a chunk of encoded events, raw messages, or closing. */
export type LanesRequest =
  | { id: number; kind: 'chunk'; bytes: Uint8Array; ends: Uint32Array; series: Uint16Array }
  | { id: number; kind: 'raw'; messages: { key: string | null; value: Uint8Array | null }[] }
  | { id: number; kind: 'close' };

/** The answer to request `id` (id 0: connected); a failure keeps the error's name, message and whether it is retriable. */
export interface LanesReply {
  id: number;
  error?: { name: string; message: string; retriable: boolean };
}

class Lanes {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionMetadata: PartitionMetadata[];
  /** Per series, its message key and partition: both follow from the series alone, so each is computed once. */
  private readonly series = new Map<number, { key: string; partition: number }>();

  constructor(
    private readonly init: LanesInit,
    readonly producers: readonly Producer[],
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
   */
  private sendPerPartition(byPartition: Map<number, Message[]>): Promise<unknown> {
    const sends: Promise<unknown>[] = [];
    const n = this.init.requestMessages;
    for (const [partition, list] of byPartition) {
      const lane = this.producers[partition % this.producers.length]!;
      for (let i = 0; i < list.length; i += n) {
        sends.push(lane.send({ topic: this.init.topic, acks: -1, compression: CompressionTypes.None, messages: list.slice(i, i + n) }));
      }
    }
    return Promise.all(sends);
  }

  /** Raw messages as they are, on the first lane (test and injection tool). */
  sendRaw(messages: { key: string | null; value: Uint8Array | null }[]): Promise<unknown> {
    const asBuffer = (v: Uint8Array | null) => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : null);
    return this.producers[0]!.send({ topic: this.init.topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: asBuffer(m.value) })) });
  }
}

const port = parentPort!;
const failure = (err: unknown): LanesReply['error'] => {
  const e = err as { name?: unknown; message?: unknown; retriable?: unknown } | null;
  return { name: typeof e?.name === 'string' ? e.name : 'Error', message: typeof e?.message === 'string' ? e.message : String(err), retriable: e?.retriable === true };
};

async function main(init: LanesInit): Promise<void> {
  const kafka = createKafka(init.cfg, init.clientId, init.retry);
  const producers = Array.from({ length: Math.min(init.lanes, init.partitions) }, () =>
    kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner }),
  );
  try {
    await Promise.all(producers.map((p) => p.connect()));
  } catch (err) {
    await Promise.allSettled(producers.map((p) => p.disconnect()));
    port.postMessage({ id: 0, error: failure(err) } satisfies LanesReply);
    return;
  }
  const lanes = new Lanes(init, producers);
  port.on('message', (r: LanesRequest) => {
    const done = r.kind === 'chunk' ? lanes.sendChunk(r.bytes, r.ends, r.series) : r.kind === 'raw' ? lanes.sendRaw(r.messages) : Promise.all(producers.map((p) => p.disconnect()));
    done.then(
      () => port.postMessage({ id: r.id } satisfies LanesReply),
      (err: unknown) => port.postMessage({ id: r.id, error: failure(err) } satisfies LanesReply),
    );
  });
  port.postMessage({ id: 0 } satisfies LanesReply);
}

void main(workerData as LanesInit);
