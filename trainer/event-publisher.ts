/**
 * The trainer's side of the log: training requests, run records, promotions
 * and artifacts, encoded through the registry and acknowledged by all
 * replicas before a call returns. Keys: request id, run id, version.
 */
import type { Kafka, Producer } from 'kafkajs';
import { publishArtifact } from '../lib/artifacts.js';
import type { AvroCodec } from '../lib/avro.js';
import type { Topics } from '../lib/config.js';
import { DependencyError, messageOf } from '../lib/errors.js';
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../schemas/types.js';

export class EventPublisher {
  private constructor(
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
    private readonly topics: Readonly<Topics>,
  ) {}

  /** Registers the three contracts on their topics (idempotent) and connects an idempotent producer. */
  static async connect(kafka: Kafka, codec: AvroCodec, topics: Readonly<Topics>): Promise<EventPublisher> {
    await codec.register('trainingRequests', topics.trainingRequests);
    await codec.register('modelTrained', topics.modelTrained);
    await codec.register('modelPromoted', topics.modelPromoted);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return new EventPublisher(producer, codec, topics);
  }

  async trainingRequested(r: TrainingRequested): Promise<void> {
    await this.send(this.topics.trainingRequests, r.requestId, this.codec.encode('trainingRequests', r));
  }

  async modelTrained(e: ModelTrained): Promise<void> {
    await this.send(this.topics.modelTrained, e.runId, this.codec.encode('modelTrained', e));
  }

  async modelPromoted(e: ModelPromoted): Promise<void> {
    await this.send(this.topics.modelPromoted, String(e.version), this.codec.encode('modelPromoted', e));
  }

  /** Publishes ONNX bytes on the artifacts topic; returns their content address. */
  async artifact(bytes: Buffer, headers: Record<string, string> = {}): Promise<{ sha256: string; uri: string; bytes: number }> {
    try {
      return await publishArtifact(this.producer, this.topics.modelArtifacts, bytes, headers);
    } catch (err) {
      throw new DependencyError('kafka', `publishing the artifact failed: ${messageOf(err)}`, err);
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  private async send(topic: string, key: string, value: Buffer): Promise<void> {
    try {
      await this.producer.send({ topic, acks: -1, messages: [{ key, value }] });
    } catch (err) {
      throw new DependencyError('kafka', `producing to ${topic} failed: ${messageOf(err)}`, err);
    }
  }
}
