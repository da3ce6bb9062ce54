import type { Kafka, Message, Producer } from 'kafkajs';
import { redactText } from '../redact.js';
import type { Delivery } from './delivery.js';

/**
 * A dead letter keeps the original bytes and key untouched; the reason and
 * the origin (topic, partition, offset) travel in headers, so a fixed
 * consumer can re-drive it. The reason is redacted (lib/redact.ts): the
 * dead-letter view serves it without a token.
 */
export function deadLetter(d: Delivery, reason: string, consumerGroup: string): Message {
  return {
    key: d.key,
    value: d.value,
    headers: {
      'dlq.reason': redactText(reason).slice(0, 2000),
      'dlq.origin.topic': d.topic,
      'dlq.origin.partition': String(d.partition),
      'dlq.origin.offset': d.offset,
      'dlq.origin.timestamp': d.timestamp,
      'dlq.consumer.group': consumerGroup,
      'dlq.at': new Date().toISOString(),
    },
  };
}

/**
 * The dead-letter producer of a consumer that is not a projection (the
 * gateway, the trainer's request consumer, the threshold watcher, the
 * webhooks; lib/projection/handler-sink.ts sends through it): refused
 * messages go to the dead-letter topic with their reasons, acked by all
 * replicas, before the consumer moves past them.
 */
export class DeadLetters {
  private constructor(private readonly producer: Producer, private readonly topic: string, private readonly group: string) {}

  /** Connects an idempotent producer for `consumerGroup`'s dead letters. */
  static async connect(kafka: Kafka, topic: string, consumerGroup: string): Promise<DeadLetters> {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return new DeadLetters(producer, topic, consumerGroup);
  }

  /** One send for all `letters` (a batch's). */
  async sendAll(letters: readonly { delivery: Delivery; reason: string }[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({ topic: this.topic, acks: -1, messages: letters.map((l) => deadLetter(l.delivery, l.reason, this.group)) });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
