/**
 * The Kafka half of SalesProducer, on a worker thread of its own: kafkajs
 * builds every record and request in JavaScript, which took most of the
 * producing thread's time, so the thread that validates and Avro-encodes
 * (domain/sales/io/producer.ts) hands this one the encoded bytes, moved without
 * a copy, and goes on with the next chunk while this one sends.
 *
 * Lanes: kafkajs lets an idempotent producer have one request in flight per
 * broker, and it encodes a request while holding that lock, so one producer
 * leaves the broker idle while it encodes and itself idle while the broker
 * writes. Each partition belongs to one lane (partition mod lanes), so its
 * order and sequence numbers stay with one producer, and the lanes overlap.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Partitioners } from 'kafkajs';
import type { Config } from '../../../lib/config.js';
import { createKafka, type KafkaRetry } from '../../../lib/kafka/client.js';
import { Lanes } from './producer-lanes.js';

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
