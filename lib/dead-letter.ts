import type { Message } from 'kafkajs';
import type { Delivery } from './runner.js';

/**
 * A dead letter keeps the original bytes and key untouched; the reason and
 * the origin (topic, partition, offset) travel in headers, so a fixed
 * consumer can re-drive it.
 */
export function deadLetter(d: Delivery, reason: string, consumerGroup: string): Message {
  return {
    key: d.key,
    value: d.value,
    headers: {
      'dlq.reason': reason.slice(0, 2000),
      'dlq.origin.topic': d.topic,
      'dlq.origin.partition': String(d.partition),
      'dlq.origin.offset': d.offset,
      'dlq.origin.timestamp': d.timestamp,
      'dlq.consumer.group': consumerGroup,
      'dlq.at': new Date().toISOString(),
    },
  };
}
