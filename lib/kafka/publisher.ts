import type { Kafka, Producer } from 'kafkajs';
import type { AvroCodec, Contract } from '../avro/codec.js';
import { DependencyError, messageOf } from '../errors.js';

/**
 * The shared half of every event publisher: an idempotent producer whose
 * events are Avro-encoded through the registry and acknowledged by all
 * replicas before a call returns. Subclasses name the events they publish.
 */
export class AvroPublisher {
  protected constructor(
    protected readonly producer: Producer,
    protected readonly codec: AvroCodec,
  ) {}

  /** Registers each contract on its topic (idempotent) and connects an idempotent producer. */
  protected static async open(kafka: Kafka, codec: AvroCodec, contracts: readonly [Contract, string][]): Promise<Producer> {
    for (const [contract, topic] of contracts) await codec.register(contract, topic);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  }

  /** Encodes `value` as `contract` (ValidationError names a bad field) and sends it keyed by `key`. */
  protected async publish(contract: Contract, topic: string, key: string, value: unknown): Promise<void> {
    const bytes = this.codec.encode(contract, value);
    try {
      await this.producer.send({ topic, acks: -1, messages: [{ key, value: bytes }] });
    } catch (err) {
      throw new DependencyError('kafka', `producing to ${topic} failed: ${messageOf(err)}`, err);
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
