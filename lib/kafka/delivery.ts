/**
 * One consumed message as every handler sees it (the runner's sinks, the
 * gateway's follower, the dead letters): bytes plus where it came from.
 */
import type { KafkaMessage } from 'kafkajs';

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

/** The headers of a message without any (frozen: shared by every such delivery). */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A kafkajs message of `topic`/`partition` as a Delivery; header values as text. */
export function deliveryOf(topic: string, partition: number, m: KafkaMessage): Delivery {
  // most events carry no headers: they share one frozen empty object (no allocation per message)
  let headers = NO_HEADERS;
  if (m.headers) {
    for (const k in m.headers) {
      if (m.headers[k] === undefined) continue;
      if (headers === NO_HEADERS) headers = {};
      headers[k] = String(m.headers[k]);
    }
  }
  return { topic, partition, offset: m.offset, key: m.key ? m.key.toString() : null, value: m.value, timestamp: m.timestamp, headers };
}
